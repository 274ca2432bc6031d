FROM alpine
ENV V=expanded
RUN <<"EOF"
echo "$V stays literal"
EOF
RUN <<'EOT'
echo '$V' "${V}"
EOT
RUN <<EOF
echo "$V is expanded"
EOF
