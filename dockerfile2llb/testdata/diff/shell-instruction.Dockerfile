FROM alpine
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
RUN echo one | cat
CMD echo cmd uses shell
ENTRYPOINT echo entrypoint uses shell
SHELL ["/bin/sh", "-c"]
RUN echo back to sh
HEALTHCHECK CMD echo healthcheck shell form
