FROM alpine
ENV NAME=world
RUN <<EOF
echo hello $NAME
echo second line
EOF
RUN <<"EOF"
echo not expanded $NAME
EOF
RUN <<EOF
#!/usr/bin/env python3
print("interpreter from shebang")
EOF
RUN <<-EOT
	echo tabs stripped
	EOT
RUN cat <<A > /a.txt && cat <<B > /b.txt
first file
A
second file
B
RUN python3 <<EOF
print(1)
EOF
