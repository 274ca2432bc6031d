# diff: expect=error
# A stage that SOURCE_DATE_EPOCH names may hold only ARG and one remote ADD.
ARG SOURCE_DATE_EPOCH=mysource
FROM scratch AS mysource
COPY a /a
FROM alpine
RUN echo built
