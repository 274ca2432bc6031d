# diff: expect=error
FROM alpine
COPY --from=7 /x /x
