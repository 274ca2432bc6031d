FROM alpine
ARG UID=1000
ARG GID=1000
COPY --chown=0:0 a /a
COPY --chown=1000 b /b
COPY --chown=${UID}:${GID} c /c
ADD --chown=$UID e /e
