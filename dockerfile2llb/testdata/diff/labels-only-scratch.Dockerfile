# diff: label=only=option
FROM scratch
LABEL a=b
