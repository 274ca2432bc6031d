FROM debian:bookworm-slim AS deb
RUN apt-get update

FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS pinned
RUN true

FROM ghcr.io/example/tool:v1.2.3 AS tool
COPY --from=deb /etc/os-release /deb-release
COPY --from=pinned /etc/alpine-release /alpine-release
