FROM alpine
ARG UID=1000
ARG MODE=0640
COPY --chown=1000:1000 a /a
COPY --chown=app:staff b /b
COPY --chown=app c /c
COPY --chown=${UID} d /d
COPY --chmod=0755 e /e
COPY --chmod=$MODE f /f
COPY --chown=10:20 --chmod=600 g /g
COPY --chmod=u+x,g-w h /h
