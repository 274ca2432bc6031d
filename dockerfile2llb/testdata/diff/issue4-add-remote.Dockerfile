FROM alpine
ADD https://example.com/releases/tool-1.0.tar.gz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/file /file
ADD https://github.com/moby/buildkit.git#v0.34.2 /src
ADD --keep-git-dir=true git@github.com:moby/buildkit.git /src2
