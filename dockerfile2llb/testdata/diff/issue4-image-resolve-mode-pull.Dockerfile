# diff: image-resolve-mode=pull
FROM alpine
COPY --from=busybox:1.36 /bin/busybox /bin/
RUN --mount=from=golang:1.22,source=/usr/local/go,target=/go ls /go
