FROM example.com/fake/onbuild:1 AS triggered
RUN cat /onbuild.txt

FROM alpine
ONBUILD RUN echo later
ONBUILD COPY . /app
COPY --from=triggered /onbuild.txt /
