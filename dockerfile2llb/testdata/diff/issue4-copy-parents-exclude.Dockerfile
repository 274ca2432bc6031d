FROM alpine
COPY --parents ./src/*/main.go /out/
COPY --exclude=*.md --exclude=docs . /app
