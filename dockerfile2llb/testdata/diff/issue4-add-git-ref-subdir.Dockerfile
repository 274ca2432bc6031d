FROM alpine
ADD https://github.com/moby/buildkit.git#v0.34.2:docs /docs
ADD https://github.com/moby/buildkit.git#master /src
ADD https://github.com/moby/buildkit.git /head
ADD git@github.com:moby/buildkit.git#main:frontend /fe
