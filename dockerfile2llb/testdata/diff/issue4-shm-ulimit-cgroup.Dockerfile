# diff: shm-size=67108864
# diff: ulimit=nofile=1024:4096
# diff: ulimit=nproc=512:1024
# diff: cgroup-parent=/system.slice/buildkit
FROM alpine
RUN ulimit -n
RUN --mount=type=tmpfs,target=/dev/shm/x df
