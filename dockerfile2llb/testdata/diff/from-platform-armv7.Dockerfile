# diff: platform=linux/arm/v7
# diff: build-platform=linux/arm64
FROM alpine
ARG TARGETVARIANT
ARG BUILDARCH
RUN echo "$TARGETVARIANT $BUILDARCH"
