# diff: network=none
FROM alpine
RUN echo default becomes none
RUN --network=host echo host
RUN --network=default echo explicit default
