# Builds the multistage frontend image itself: a static Go binary in scratch.
#
#   buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=. \
#     --opt build-arg:VERSION=$(git describe --always --dirty) \
#     --output type=image,name=myorg/multistage:1,push=true
#
# hack/env.sh does exactly this against a local BuildKit and registry.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
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
ARG VERSION=dev
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-X main.version=${VERSION}" -o /frontend ./cmd/frontend

FROM build AS test
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go test ./...

FROM scratch AS release
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
COPY --from=build /frontend /frontend
ENTRYPOINT ["/frontend"]
