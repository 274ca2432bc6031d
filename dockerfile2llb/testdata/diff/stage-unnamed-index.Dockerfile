FROM golang:1.22
WORKDIR /go/src/app
COPY main.go .
RUN go build -o /app main.go

FROM alpine:3.20
RUN apk add --no-cache ca-certificates

FROM scratch
COPY --from=0 /app /app
COPY --from=1 /etc/ssl/certs /etc/ssl/certs
ENTRYPOINT ["/app"]
