# RUN --mount=from=${VAR} is expanded with global ARGs and build args
# (beyond upstream 1); upstream rejects it ("'from' doesn't support
# variable expansion"). The build arg picks "build" over the default.
# diff: expect=error
# diff: build-arg=SRC=build
ARG SRC=other
FROM alpine AS build
RUN echo b > /b
FROM alpine AS other
RUN echo o > /o
FROM alpine
RUN --mount=from=${SRC},target=/mnt cat /mnt/b
