FROM alpine
RUN --mount=type=ssh,uid=1000,gid=1000,mode=0660 ssh-add -l
RUN --mount=type=ssh,id=deploy,target=/ssh,mode=0600 ls -l /ssh
