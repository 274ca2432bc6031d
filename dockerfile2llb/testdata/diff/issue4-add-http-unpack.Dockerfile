FROM alpine
ADD --unpack=true https://example.com/tool.tar.gz /opt/
ADD --unpack https://example.com/tool2.tar.gz /opt2/
ADD --unpack=false https://example.com/tool3.tar.gz /opt3/
