# diff: build-arg=VERSION=9.9.9
# diff: build-arg=NOT_DECLARED=ignored
# diff: build-arg=NODEFAULT=given
FROM alpine
ARG VERSION=1.0.0
ARG NODEFAULT
RUN echo $VERSION $NODEFAULT
