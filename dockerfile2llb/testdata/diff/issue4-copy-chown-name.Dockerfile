FROM alpine
COPY --chown=app a /a
COPY --chown=app:staff b /b
COPY --chown=app:100 c /c
COPY --chown=100:staff d /d
ADD --chown=www-data:www-data site /var/www
