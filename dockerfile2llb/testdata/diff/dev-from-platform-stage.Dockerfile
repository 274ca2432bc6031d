FROM alpine AS base
RUN uname -m
FROM --platform=linux/arm64 base AS armbase
RUN echo on arm
