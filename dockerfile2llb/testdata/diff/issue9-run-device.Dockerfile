# RUN --device requests CDI devices: required or optional, several per RUN,
# by name= or bare, and only for that RUN.
FROM busybox AS base
RUN --device=vendor1.com/device=foo,required \
    --device=vendor2.com/device=bar \
    env | sort > /foo.env
RUN --device=name=vendor3.com/gpu=all,required=false echo gpu
RUN echo no devices
FROM scratch
COPY --from=base /foo.env /
