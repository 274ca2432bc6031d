FROM alpine
RUN --mount=type=cache,target=/home/app/.cache,uid=1000,gid=1000 ls -ld /home/app/.cache
RUN --mount=type=cache,target=/cache,mode=0700 ls -ld /cache
RUN --mount=type=cache,id=owned,target=/c2,mode=0750,uid=33,gid=33,sharing=locked ls -ld /c2
RUN --mount=type=cache,target=/c3,gid=100 ls -ld /c3
