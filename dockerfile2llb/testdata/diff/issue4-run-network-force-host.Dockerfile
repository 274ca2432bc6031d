# diff: network=host
FROM alpine
RUN echo forced host
RUN --network=none echo none wins
RUN --network=default echo default
