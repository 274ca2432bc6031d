# The base every service image runs on: busybox, so that an operator has a
# shell in it, and a data directory the services' unprivileged user owns.
FROM busybox AS runtime
RUN mkdir -p /srv/data && chown 65534:65534 /srv/data
WORKDIR /srv/data
