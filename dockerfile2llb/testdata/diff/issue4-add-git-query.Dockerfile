FROM alpine
ADD https://github.com/moby/buildkit.git?ref=v0.34.2&subdir=docs /docs
ADD https://github.com/moby/buildkit.git?tag=v0.34.2 /tag
ADD https://github.com/moby/buildkit.git?branch=master&submodules=false /branch
ADD https://github.com/moby/buildkit.git?keep-git-dir=true /kept
