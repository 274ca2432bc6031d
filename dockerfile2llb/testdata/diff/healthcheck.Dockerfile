FROM alpine AS full
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 \
  CMD wget -q -O- http://localhost/ || exit 1

FROM alpine AS json
HEALTHCHECK CMD ["/bin/check", "--fast"]

FROM example.com/fake/healthcheck:1 AS inherited
RUN echo keeps healthcheck

FROM example.com/fake/healthcheck:1 AS disabled
HEALTHCHECK NONE

FROM alpine
COPY --from=full / /full
COPY --from=json / /json
COPY --from=inherited / /inherited
COPY --from=disabled / /disabled
HEALTHCHECK --interval=1m CMD true
