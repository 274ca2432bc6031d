FROM alpine
RUN --security=sandbox echo sandbox
RUN --security=insecure echo insecure
RUN --security=insecure --network=host --mount=type=cache,target=/c echo both
