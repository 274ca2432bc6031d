FROM alpine AS build
RUN mkdir /out && echo hi > /out/hello
FROM alpine
RUN --mount=type=bind,from=build,source=/out,target=/mnt ls /mnt
RUN --mount=from=build,src=/out/hello,dst=/hello cat /hello
