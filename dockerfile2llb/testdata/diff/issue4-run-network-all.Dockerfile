FROM alpine
RUN --network=default echo default
RUN --network=none echo none
RUN --network=host echo host
RUN echo unset
