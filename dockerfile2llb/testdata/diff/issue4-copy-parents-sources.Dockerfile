FROM alpine AS build
RUN mkdir -p /src/a/b && touch /src/a/b/f
FROM alpine
COPY --parents dir1/file dir2/sub/*.txt /dst/
COPY --parents=true lib/**/*.so /libs/
COPY --parents --from=build /src/./a/b/f /from-stage/
COPY --parents=false keep/flat.txt /flat/
