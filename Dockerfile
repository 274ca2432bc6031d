# Builds the multistage frontend image itself: a static Go binary in scratch.
#
#   docker buildx bake                   # release: the image, myorg/multistage:1
#   docker buildx bake frontend-cross    # the same for every platform we ship
#   docker buildx bake binaries          # ./bin/frontend, no image
#   docker buildx bake test lint         # unit tests; go vet + staticcheck
#
# or with buildctl (hack/env.sh does this against a local BuildKit and registry):
#
#   buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=. \
#     --opt build-arg:VERSION=$(git describe --always --dirty) \
#     --output type=image,name=myorg/multistage:1,push=true
#
# The last stage (release) is the default target: keep it last.
# cmd/frontend/gateway/caps_test.go checks the labels of release against the
# capabilities the code implements.

ARG GO_VERSION=1.26

# base has the Go toolchain and the module cache. It runs on the build machine's
# platform whatever the target: Go cross-compiles, so no emulation is needed.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS base
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
# Where RUN steps fetch modules from. hack/env.sh points this at a loopback
# server over the host's module cache, so the build needs no outside network.
ARG GOPROXY
ARG GOSUMDB
RUN --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=cache,target=/go/pkg/mod \
    go mod download

# build compiles the frontend for the target platform. -trimpath, no VCS
# stamping and a fixed version string make the binary reproducible.
FROM base AS build
ARG TARGETOS
ARG TARGETARCH
ARG TARGETVARIANT
ARG VERSION=dev
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build <<EOT
  set -e
  export GOOS="$TARGETOS" GOARCH="$TARGETARCH"
  case "$TARGETARCH/$TARGETVARIANT" in
    arm/v*) export GOARM="${TARGETVARIANT#v}" ;;
    amd64/v*) export GOAMD64="$TARGETVARIANT" ;;
  esac
  go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/frontend ./cmd/frontend
EOT

# test runs the unit tests (the integration tests skip: no BuildKit in here).
FROM base AS test
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go test ./...

# staticcheck builds the linter at the version pinned in hack/lint/go.mod.
FROM base AS staticcheck
RUN --mount=type=bind,source=hack/lint,target=/lint \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    cd /lint && go build -trimpath -o /usr/local/bin/staticcheck honnef.co/go/tools/cmd/staticcheck

# lint runs go vet and staticcheck over the whole module.
FROM base AS lint
COPY --from=staticcheck /usr/local/bin/staticcheck /usr/local/bin/staticcheck
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/root/.cache/staticcheck \
    go vet ./... && staticcheck ./...

# binaries is the bare binary, for --output type=local.
FROM scratch AS binaries
COPY --from=build /out/frontend /frontend

# release is the frontend image BuildKit runs.
FROM scratch AS release
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
COPY --from=build /out/frontend /frontend
ENTRYPOINT ["/frontend"]
