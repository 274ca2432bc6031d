FROM alpine
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.34.2 /src
ADD --keep-git-dir https://github.com/moby/buildkit.git /src2
ADD --keep-git-dir=false https://github.com/moby/buildkit.git /src3
