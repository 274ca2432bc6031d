# diff: expect=error
FROM alpine
COPY --chmod=abc a /a
