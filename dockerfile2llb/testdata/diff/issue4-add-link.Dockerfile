FROM alpine
ADD --link app.tar.gz /opt/
ADD --link https://example.com/file.txt /file.txt
ADD --link --chown=10:20 conf /etc/conf
