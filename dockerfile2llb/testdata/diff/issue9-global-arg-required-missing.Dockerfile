# diff: expect=error
# Without the build arg the default is evaluated and fails on line 4.
ARG BASE=busybox
ARG FOO=${FOO:?"custom error"}
FROM $BASE
