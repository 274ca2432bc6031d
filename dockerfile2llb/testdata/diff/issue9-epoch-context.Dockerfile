# diff: build-arg=SOURCE_DATE_EPOCH=context
# "context" reads the main context's time (a git commit or a download);
# offline, and for a local directory, the epoch stays unset.
FROM alpine
ARG SOURCE_DATE_EPOCH
RUN echo "epoch=$SOURCE_DATE_EPOCH"
