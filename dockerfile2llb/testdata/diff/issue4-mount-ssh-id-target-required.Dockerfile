FROM alpine
RUN --mount=type=ssh ssh-add -l
RUN --mount=type=ssh,id=github ssh -T git@github.com
RUN --mount=type=ssh,id=gitlab,target=/run/ssh.sock,required=true ls /run/ssh.sock
RUN --mount=type=ssh,required=false,dst=/agent ls /agent
