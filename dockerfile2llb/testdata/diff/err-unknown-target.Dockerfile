# diff: target=biuld
# diff: expect=error
FROM alpine AS build
RUN true
FROM alpine AS release
