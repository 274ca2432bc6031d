FROM golang:1.22 AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked \
    --mount=type=bind,target=. \
    go build -o /out/app .
RUN --mount=type=secret,id=token,target=/run/secrets/token \
    --mount=type=ssh \
    --mount=type=tmpfs,target=/tmp \
    cat /run/secrets/token
FROM alpine
RUN --mount=from=build,source=/out,target=/mnt ls /mnt
