FROM example.com/fake/workdir:1
RUN make
COPY --chown=builder:staff . .
USER root
RUN make install
