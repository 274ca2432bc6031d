# diff: expect=error
FROM alpine AS self
COPY --from=self /x /y
