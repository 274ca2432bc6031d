# diff: cache-ns=myns
# diff: shm-size=134217728
# diff: ulimit=nofile=1024:2048
# diff: cgroup-parent=/build.slice
FROM golang:1.22
RUN --mount=type=cache,target=/root/.cache go build ./...
RUN --mount=type=cache,id=named,target=/go/pkg/mod echo named
