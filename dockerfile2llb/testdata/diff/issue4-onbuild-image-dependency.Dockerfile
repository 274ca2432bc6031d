# A parent stage's trigger that copies from an image adds that image to
# the graph (and to the images resolved).
FROM alpine AS base
ONBUILD COPY --from=busybox:1.36 /bin/busybox /bin/busybox
FROM base
RUN /bin/busybox true
