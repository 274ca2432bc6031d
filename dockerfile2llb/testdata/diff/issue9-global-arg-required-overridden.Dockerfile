# diff: build-arg=FOO=bar
# A build arg replaces the default, so ${FOO:?...} is never evaluated.
ARG FOO=${FOO:?"custom error"}
FROM busybox
ARG FOO
RUN echo $FOO
