# With only id=, the secret appears at /run/secrets/<id>.
FROM alpine
RUN --mount=type=secret,id=token cat /run/secrets/token
RUN --mount=type=secret,id=nested/name cat /run/secrets/name
