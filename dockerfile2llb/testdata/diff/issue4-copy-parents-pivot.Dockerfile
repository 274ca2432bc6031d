FROM alpine
WORKDIR /work
COPY --parents ./x/./y/z.txt /out/
COPY --parents src/./pkg/*/go.mod ./
COPY --parents ./a/b/./c/ /tree/
