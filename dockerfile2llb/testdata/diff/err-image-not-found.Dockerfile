# diff: expect=error
FROM alpine AS ok
RUN true
FROM example.com/doesnotexist:1
COPY --from=ok / /
