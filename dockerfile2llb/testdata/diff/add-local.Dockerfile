FROM alpine
ADD archive.tar.gz /opt/
ADD --chown=1:1 plain.txt /plain.txt
ADD --chmod=0700 script.sh /usr/local/bin/
ADD dir /dir
ADD *.conf /etc/conf.d/
