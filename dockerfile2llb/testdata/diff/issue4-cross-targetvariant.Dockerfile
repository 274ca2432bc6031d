# diff: platform=linux/arm/v7
# diff: build-platform=linux/amd64
FROM --platform=$BUILDPLATFORM alpine AS build
ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT
RUN echo "$TARGETPLATFORM $TARGETOS $TARGETARCH $TARGETVARIANT" > /info
FROM --platform=$TARGETPLATFORM busybox
COPY --from=build /info /info
