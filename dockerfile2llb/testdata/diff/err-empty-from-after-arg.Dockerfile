# diff: expect=error
ARG BASE
FROM $BASE
RUN true
