# diff: label=com.example.from-option=yes
# diff: label=org.opencontainers.image.version=override
FROM alpine
ARG VERSION=1.0
LABEL org.opencontainers.image.version=$VERSION
LABEL a=1 b="two words" "quoted key"=v
LABEL multi.line="first" \
      multi.other="second"
LABEL old-style value with spaces
LABEL fake.ref=overridden
