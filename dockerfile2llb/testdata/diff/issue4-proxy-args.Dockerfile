# diff: build-arg=HTTP_PROXY=http://proxy.example:3128
# diff: build-arg=https_proxy=http://secure-proxy.example:3129
# diff: build-arg=NO_PROXY=localhost,127.0.0.1
# diff: build-arg=FTP_PROXY=ftp://ftp-proxy.example
# diff: build-arg=ALL_PROXY=socks5://all.example
FROM alpine
RUN wget -q https://example.com
ARG https_proxy
RUN echo "$https_proxy"
ENV KEEP=1
RUN --network=none echo offline
