FROM alpine
COPY a.txt /dst/
COPY b.txt c.txt /multi/
COPY dir/ /dir-contents/
COPY dir /dir-as-name
COPY *.go /src/
COPY ["with space.txt", "/quoted dest/"]
COPY . /all
COPY ./sub/../sub/file /normalized
