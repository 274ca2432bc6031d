FROM alpine AS build
RUN echo x > /x
FROM alpine
COPY --link --chown=1000:1000 a /a
COPY --link --chown=1000 --from=build /x /x
COPY --link --chmod=0755 run.sh /run.sh
COPY --link=true b /b
COPY --link=false c /c
