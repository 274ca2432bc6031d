# diff: expect=error
# Neither a number, "context", a named context nor a stage.
ARG SOURCE_DATE_EPOCH=not-a-timestamp
FROM alpine
RUN echo built
