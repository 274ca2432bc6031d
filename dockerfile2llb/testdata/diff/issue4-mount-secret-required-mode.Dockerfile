FROM alpine
RUN --mount=type=secret,id=key,required cat /run/secrets/key
RUN --mount=type=secret,id=key,required=true,mode=0440,uid=1000,gid=1000 cat /run/secrets/key
RUN --mount=type=secret,id=key,required=false,mode=0400 cat /run/secrets/key
RUN --mount=type=secret,id=key,uid=5 cat /run/secrets/key
