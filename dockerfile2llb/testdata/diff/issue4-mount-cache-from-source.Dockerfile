# A cache mount seeded from a stage, and from a sub-directory of it.
FROM alpine AS seed
RUN mkdir -p /seed/data && echo s > /seed/data/file
FROM alpine
RUN --mount=type=cache,target=/cache,from=seed ls /cache
RUN --mount=type=cache,target=/cache,from=seed,source=/seed/data ls /cache
RUN --mount=type=cache,target=/img,from=busybox,source=/etc ls /img
