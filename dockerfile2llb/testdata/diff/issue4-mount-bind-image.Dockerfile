FROM alpine
RUN --mount=type=bind,from=busybox:1.36,source=/bin,target=/bb /bb/busybox true
RUN --mount=from=docker.io/library/golang:1.22,source=/usr/local/go,target=/go /go/bin/go version
