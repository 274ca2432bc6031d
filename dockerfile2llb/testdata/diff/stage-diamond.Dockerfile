FROM alpine AS root
RUN echo root > /root.txt

FROM root AS left
RUN echo left > /left.txt

FROM root AS right
RUN echo right > /right.txt

FROM busybox AS final
COPY --from=left /left.txt /root.txt /
COPY --from=right /right.txt /
RUN cat /left.txt /right.txt
