FROM debian:bookworm
RUN useradd -m app
USER app
WORKDIR /home/app/work
RUN touch file
USER root:root
RUN chown app file
USER 1001
WORKDIR /opt/x
