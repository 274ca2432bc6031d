# diff: hostname=builder.example
# diff: add-host=registry.local=127.0.0.1
# diff: add-host=db=10.1.2.3
# diff: add-host=v6=::1
FROM alpine AS a
RUN cat /etc/hosts
FROM a
RUN hostname
RUN --mount=type=cache,target=/c --network=none hostname
