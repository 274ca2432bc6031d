# diff: image-resolve-mode=local
FROM --platform=linux/arm64 alpine AS arm
FROM alpine
COPY --from=arm /etc/os-release /
COPY --from=debian:bookworm /etc/debian_version /
