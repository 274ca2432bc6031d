FROM alpine AS base
ONBUILD RUN echo from-parent > /p
ONBUILD ENV TRIGGERED=yes
RUN echo base
FROM base
RUN cat /p
