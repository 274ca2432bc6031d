# diff: expect=error
# A misspelt automatic ARG: upstream suggests the right one.
FROM --platform=$BULIDPLATFORM busybox
