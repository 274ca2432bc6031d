FROM alpine
RUN --mount=type=cache,target=/cache,ro ls /cache
RUN --mount=type=cache,target=/cache,readonly=true,id=shared ls /cache
