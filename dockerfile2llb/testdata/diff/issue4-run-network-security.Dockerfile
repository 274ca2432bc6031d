FROM alpine
RUN --network=none echo offline
RUN --network=host echo host
RUN --security=insecure echo insecure
