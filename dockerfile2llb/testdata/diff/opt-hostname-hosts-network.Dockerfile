# diff: hostname=buildhost
# diff: add-host=db.internal=10.0.0.5
# diff: add-host=cache=10.0.0.6
# diff: network=none
FROM alpine
RUN cat /etc/hosts && hostname
FROM alpine AS other
RUN echo pruned
FROM alpine
RUN --network=host echo host-net overrides
RUN echo default
