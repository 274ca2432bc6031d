FROM alpine
USER 1000:1000
WORKDIR /home/user/app
USER nobody
WORKDIR /data
RUN pwd
