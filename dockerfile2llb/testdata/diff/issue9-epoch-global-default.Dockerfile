# A global ARG default is the epoch when no build arg overrides it: every
# history entry and the WORKDIR directory carry it.
ARG SOURCE_DATE_EPOCH=1700000000
FROM alpine
ARG SOURCE_DATE_EPOCH
RUN echo "epoch=$SOURCE_DATE_EPOCH"
WORKDIR /made
