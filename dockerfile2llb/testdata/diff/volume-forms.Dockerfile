FROM alpine
VOLUME /data
VOLUME ["/json1", "/json2"]
VOLUME /a /b
ENV V=/from-env
VOLUME $V
RUN touch /data/x
