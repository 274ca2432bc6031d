# diff: expect=error
ARG SOURCE_DATE_EPOCH=mysource
FROM alpine AS mysource
ADD https://example.com/src.tar /
FROM alpine
RUN echo built
