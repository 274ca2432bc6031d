# diff: build-arg=HTTP_PROXY=http://proxy.example:3128
# diff: build-arg=no_proxy=localhost
FROM alpine
RUN apk add curl
ARG HTTP_PROXY
RUN echo "$HTTP_PROXY"
