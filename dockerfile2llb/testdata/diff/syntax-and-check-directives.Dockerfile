# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
FROM alpine
CMD echo not json
ENTRYPOINT echo also not json
