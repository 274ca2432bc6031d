# diff: build-arg=SOURCE_DATE_EPOCH=1700000000
FROM alpine
RUN echo built
COPY a /a
ENV X=1
