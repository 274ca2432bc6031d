FROM alpine
RUN --mount=type=secret,id=token,env=TOKEN echo "$TOKEN" | wc -c
RUN --mount=type=secret,id=token,env=TOKEN,target=/tok cat /tok
RUN --mount=type=secret,id=API_KEY,env=API_KEY,required=true true
