FROM golang:1.22 AS build
WORKDIR /src
RUN --mount=type=bind,target=.,source=. \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod,id=gomod \
    --mount=type=secret,id=netrc,target=/root/.netrc \
    --mount=type=ssh \
    --mount=type=tmpfs,target=/tmp \
    go build -o /out/app ./cmd/app
FROM alpine
COPY --from=build /out/app /usr/bin/app
