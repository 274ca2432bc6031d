# SOURCE_DATE_EPOCH names a source-only stage (FROM scratch, ARGs, one ADD
# of a URL). Offline there is nobody to ask for the download's time, so
# the epoch is unset and ARG SOURCE_DATE_EPOCH in a stage sees nothing,
# as upstream converts it; integration tests read the real time.
ARG SOURCE_DATE_EPOCH=mysource
FROM scratch AS mysource
ARG VERSION=1.0
ADD https://example.com/src-${VERSION}.tar /
FROM alpine
ARG SOURCE_DATE_EPOCH
RUN echo "epoch=$SOURCE_DATE_EPOCH"
