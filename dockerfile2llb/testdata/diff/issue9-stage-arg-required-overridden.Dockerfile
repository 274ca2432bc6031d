# diff: build-arg=BAR=given
# A stage ARG's default is not evaluated either when a build arg sets it.
FROM busybox
ARG FOO
ARG BAR=${FOO:?"foo missing"}
RUN echo $BAR
