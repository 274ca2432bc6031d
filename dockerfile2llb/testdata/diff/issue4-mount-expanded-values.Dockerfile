# Mount values other than from= are expanded with ARG and ENV.
FROM alpine
ARG CACHE_DIR=/var/cache/thing
ENV SECRET_NAME=token
ARG SIZE=32m
RUN --mount=type=cache,target=${CACHE_DIR},id=cache-$SECRET_NAME ls
RUN --mount=type=secret,id=$SECRET_NAME,target=/run/$SECRET_NAME cat /run/$SECRET_NAME
RUN --mount=type=tmpfs,target=/t,size=$SIZE df /t
