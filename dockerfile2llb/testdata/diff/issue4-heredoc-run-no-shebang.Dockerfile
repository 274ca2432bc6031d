FROM alpine
ARG NAME=world
RUN <<EOF
set -e
echo "hello $NAME"
echo 'single quotes $NAME'
EOF
RUN <<EOT bash
echo via bash
EOT
