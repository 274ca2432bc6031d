# diff: platform=linux/arm64
# diff: build-platform=linux/amd64
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
ARG BUILDPLATFORM
WORKDIR /src
RUN --mount=type=bind,target=. GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
RUN echo building on $BUILDPLATFORM
FROM alpine
COPY --from=build /out/app /app
