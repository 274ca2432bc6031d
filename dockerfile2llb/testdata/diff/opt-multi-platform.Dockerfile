# diff: multi-platform=true
# diff: platform=linux/arm64
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETARCH
RUN GOARCH=$TARGETARCH go build -o /app .
FROM alpine
COPY --from=build /app /app
RUN /app --version
