FROM golang:1.22 AS build
RUN go build -o /out/tool ./cmd/tool

FROM alpine AS runtime
COPY --from=build /out/tool /usr/local/bin/tool
COPY --from=build --chown=nobody:nogroup /out /opt/out
COPY --from=busybox:1.36 /bin/busybox /bin/busybox
COPY --from=gcr.io/distroless/static:nonroot --chmod=0444 /etc/passwd /etc/passwd.distroless
COPY --from=0 /out/tool /tool-by-index
