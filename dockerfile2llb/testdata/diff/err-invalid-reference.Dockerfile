# diff: expect=error
FROM alpine:bad:tag:format
RUN true
