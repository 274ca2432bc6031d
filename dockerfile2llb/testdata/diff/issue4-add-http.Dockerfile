FROM alpine
ADD https://example.com/releases/tool-1.0.tar.gz /opt/
ADD http://example.com/plain /plain
ADD https://example.com/ /index
ADD https://example.com/dir/file?query=1 /download/
ADD --chown=1000:1000 --chmod=0640 https://example.com/conf.ini /etc/conf.ini
