# diff: target=BUILD
FROM alpine AS build
RUN echo build
FROM alpine AS release
COPY --from=build / /
