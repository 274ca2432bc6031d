FROM alpine AS build
RUN mkdir /out
FROM alpine
COPY *.go /src/
COPY cmd/?/main.go /cmd/
COPY [a-c]*.txt /txt/
COPY go.mod go.su[m] /mod/
COPY --from=build /out/*.bin /bin/
COPY nomatch-*.none /maybe/
ADD *.tar.gz /archives/
