# A relative target is taken from the working directory.
FROM alpine
WORKDIR /app
RUN --mount=target=src make
WORKDIR sub
RUN --mount=type=bind,source=assets,target=./assets ls assets
RUN --mount=type=cache,target=cache ls cache
