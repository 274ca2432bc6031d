# diff: expect=error
FROM alpine AS files
RUN mkdir /out && echo x > /out/x.tar

FROM alpine
ADD --from=files /out/x.tar /unpacked/
ADD --from=files --chown=2:2 /out /out
