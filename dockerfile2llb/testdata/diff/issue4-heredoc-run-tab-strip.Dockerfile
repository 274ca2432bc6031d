FROM alpine
RUN <<-EOF
	echo tab stripped
		echo two tabs
	EOF
RUN <<-"EOF"
	echo $HOME kept
	EOF
RUN cat <<-EOT > /x
	indented
	EOT
