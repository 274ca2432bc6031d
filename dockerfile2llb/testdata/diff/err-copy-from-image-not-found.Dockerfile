# diff: expect=error
FROM alpine
COPY --from=example.com/team/doesnotexist:2 /x /x
