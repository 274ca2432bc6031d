# diff: expect=error
# diff: build-arg=SOURCE_DATE_EPOCH=yesterday
FROM alpine
RUN echo built
