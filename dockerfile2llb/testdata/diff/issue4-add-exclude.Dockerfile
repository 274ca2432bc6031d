FROM alpine
ADD --exclude=*.bak --exclude=.git . /app
ADD --exclude=tests/ project.tar.gz /opt/
