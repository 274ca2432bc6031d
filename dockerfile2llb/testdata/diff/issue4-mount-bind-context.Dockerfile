# RUN --mount=type=bind without from= reads the build context; only the
# mounted paths are transferred.
FROM alpine
RUN --mount=type=bind,target=/src cat /src/go.mod
RUN --mount=type=bind,source=scripts,target=/scripts /scripts/build.sh
RUN --mount=source=config/app.yaml,target=/etc/app.yaml cat /etc/app.yaml
