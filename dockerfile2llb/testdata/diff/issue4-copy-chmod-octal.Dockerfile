FROM alpine
COPY --chmod=755 run.sh /usr/bin/run
COPY --chmod=0644 conf /etc/conf
COPY --chmod=4755 suid /bin/suid
COPY --chmod=0 none /none
ADD --chmod=600 key /key
