# diff: target=build
FROM golang:1.22 AS deps
RUN go mod download

FROM deps AS build
RUN go build ./...

FROM example.com/doesnotexist:1 AS unreachable
RUN echo never resolved

FROM build AS test
RUN go test ./...

FROM alpine
COPY --from=build /go/bin /bin
