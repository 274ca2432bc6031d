# diff: platform=linux/arm64
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETARCH TARGETVARIANT
RUN echo "$TARGETARCH/$TARGETVARIANT" > /target

FROM debian:bookworm
ARG TARGETPLATFORM
ARG BUILDOS BUILDARCH
COPY --from=build /target /target
RUN echo "$TARGETPLATFORM built on $BUILDOS/$BUILDARCH"
