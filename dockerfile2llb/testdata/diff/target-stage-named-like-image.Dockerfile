FROM alpine AS golang
RUN echo I am a stage called golang
FROM golang
RUN echo "FROM golang means the stage"
COPY --from=golang /etc /etc-copy
