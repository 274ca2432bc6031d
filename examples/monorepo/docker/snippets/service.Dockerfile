# Pasted into each service's image stage (an INCLUDE inside a stage), so it
# holds no FROM. Its references are the including Dockerfile's: go.toolchain
# is the stage of docker/go.Dockerfile INCLUDEd AS go.
COPY --from=go.toolchain /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
LABEL org.opencontainers.image.vendor="Example" \
      org.opencontainers.image.source="https://example.com/monorepo"
USER 65534:65534
