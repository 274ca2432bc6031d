FROM alpine:3.20 AS base
ENV APP_HOME=/srv/app LANG=C.UTF-8
WORKDIR $APP_HOME
USER 1000:1000
LABEL stage=base
EXPOSE 8080
VOLUME /cache
CMD ["base"]

FROM base AS child
RUN pwd && whoami
ENV CHILD=1

FROM child AS grandchild
WORKDIR sub
RUN echo $APP_HOME $CHILD
CMD ["grandchild"]
