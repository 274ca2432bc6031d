FROM alpine
ARG GREETING=hi
COPY <<EOF /etc/greeting
$GREETING from heredoc
EOF
COPY <<"EOF" /etc/literal
$GREETING stays literal
EOF
COPY --chmod=0755 <<EOF /usr/local/bin/run.sh
#!/bin/sh
echo run
EOF
COPY <<one <<two /multi/
file one
one
file two
two
COPY --chown=1:1 <<EOF /owned
owned
EOF
