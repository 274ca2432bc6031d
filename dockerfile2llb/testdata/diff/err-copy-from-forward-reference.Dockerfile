# diff: expect=error
# diff: target=early
FROM alpine AS early
COPY --from=later /x /x
FROM alpine AS later
RUN echo x > /x
