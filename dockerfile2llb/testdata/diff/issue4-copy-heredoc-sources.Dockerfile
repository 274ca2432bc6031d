FROM alpine
ENV NAME=world
COPY <<EOF /greeting.txt
hello $NAME
EOF
COPY <<one.txt <<two.txt /files/
first
one.txt
second
two.txt
COPY --chmod=0755 <<"EOF" /usr/bin/script
#!/bin/sh
echo "$NAME unexpanded"
EOF
ADD <<EOF /added.txt
added by ADD
EOF
