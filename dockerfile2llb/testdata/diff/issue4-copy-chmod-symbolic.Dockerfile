FROM alpine
COPY --chmod=u+x run.sh /run.sh
COPY --chmod=a=rX,u+w dir /dir
COPY --chmod=go-w,u=rwx bin /bin2
ADD --chmod=+x tool /tool
