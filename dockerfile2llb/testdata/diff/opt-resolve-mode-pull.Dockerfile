# diff: image-resolve-mode=pull
FROM alpine AS a
RUN true
FROM busybox
COPY --from=a /etc/os-release /
COPY --from=debian:bookworm /etc/debian_version /
