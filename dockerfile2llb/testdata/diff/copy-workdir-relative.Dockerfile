FROM alpine
WORKDIR /app
COPY package.json .
COPY src ./src
COPY lib lib/
COPY cfg/app.conf conf/
WORKDIR /app/build
COPY --from=busybox /bin/sh ../bin/
COPY x /
