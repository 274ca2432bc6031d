# diff: expect=error
FROM alpine
COPY onlyone
