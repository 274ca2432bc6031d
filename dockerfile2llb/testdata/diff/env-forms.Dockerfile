FROM alpine
ENV A=1 B=2
ENV LEGACY value with spaces
ENV C="quoted value" D='single $A' E=$A-$B F=${A:-default} G=${UNSET:-fallback} H=${A:+set}
ENV EMPTY=
ENV PATH=$PATH:/extra/bin
ENV A=override
ENV ESC=back\ slash
RUN env
