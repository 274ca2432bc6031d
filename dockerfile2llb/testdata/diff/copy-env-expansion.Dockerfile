FROM alpine
ENV SRC=config DST=/etc/app
ARG FILE=app.yaml
COPY $SRC/$FILE ${DST}/
COPY ${SRC}/extra.yaml $DST/extra.yaml
ADD $SRC/archive.tar /opt/
