FROM alpine:3.20 AS a
RUN echo a
FROM alpine:3.20 AS b
RUN echo b
FROM docker.io/library/alpine:3.20 AS c
RUN echo c
FROM alpine:3.20
COPY --from=a / /a
COPY --from=b / /b
COPY --from=c / /c
COPY --from=alpine:3.20 /etc/alpine-release /
