# diff: build-arg=GO_VERSION=1.21
# diff: build-arg=VARIANT=bookworm
ARG GO_VERSION=1.22
ARG VARIANT=alpine
FROM golang:${GO_VERSION}-${VARIANT} AS build
ARG GO_VERSION
RUN echo building with $GO_VERSION
