# diff: cache-ns=team-a
FROM golang:1.22
RUN --mount=type=cache,target=/root/.cache/go-build go build ./...
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod go mod download
RUN --mount=type=cache,id=/abs/id,target=/x true
