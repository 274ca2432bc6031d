# diff: build-arg=SOURCE_DATE_EPOCH=0
FROM alpine AS build
RUN echo one
FROM scratch
COPY --from=build /etc/hostname /
LABEL built=epoch
