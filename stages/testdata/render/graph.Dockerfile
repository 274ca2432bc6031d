ARG GO_VERSION=1.22

# base has the toolchain.
FROM golang:${GO_VERSION} AS base
WORKDIR /src

FROM base AS deps
RUN --mount=type=cache,target=/root/.cache/go-build go mod download

# lint is only built on demand: the default target prunes it.
FROM base AS lint
RUN go vet ./...

FROM deps AS build-api
RUN go build -o /out/api ./cmd/api

FROM deps AS build-worker
RUN --mount=type=bind,from=alpine:3.20,source=/etc/ssl/certs,target=/certs \
    go build -o /out/worker ./cmd/worker

FROM scratch AS release
COPY --from=build-api /out/api /api
COPY --from=build-worker /out/worker /worker
COPY --from=tools /bin/tini /tini
ENTRYPOINT ["/tini", "--", "/api"]
