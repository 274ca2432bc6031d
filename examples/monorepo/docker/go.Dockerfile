# The Go toolchain every service of the monorepo builds with. The Dockerfile
# INCLUDEs it AS go, so its stages are go.toolchain and go.source there; its
# own references (FROM toolchain) resolve here.
ARG GO_VERSION=1.26

# toolchain is Go, set for static binaries and a build cache that RUN
# --mount=type=cache,target=/cache/go-build keeps between builds.
FROM golang:${GO_VERSION} AS toolchain
ENV CGO_ENABLED=0 GOFLAGS=-trimpath GOCACHE=/cache/go-build
WORKDIR /src

# source is the module's code (paths are the build context's, as in any
# COPY): what the services' tests and builds start from.
FROM toolchain AS source
COPY go.mod ./
COPY internal ./internal
COPY services ./services
