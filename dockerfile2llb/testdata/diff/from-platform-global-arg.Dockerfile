ARG BUILDER_PLATFORM=linux/amd64
ARG IMAGE=alpine:3.20
FROM --platform=${BUILDER_PLATFORM} ${IMAGE} AS tools
RUN echo tools
FROM --platform=$TARGETPLATFORM ${IMAGE}
COPY --from=tools / /tools
