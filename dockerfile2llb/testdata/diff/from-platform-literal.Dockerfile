FROM --platform=linux/arm64 alpine AS arm
RUN uname -m > /arch

FROM alpine
COPY --from=arm /arch /arm-arch
RUN cat /arm-arch
