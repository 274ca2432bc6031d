# diff: expect=error
FROM alpine
RUN <<EOF
echo never closed
