# diff: multi-platform=true
# diff: platform=linux/arm64
FROM alpine AS base
RUN uname -m
FROM base
COPY --from=busybox /bin/busybox /bin/
RUN --mount=type=cache,target=/c echo $TARGETARCH
