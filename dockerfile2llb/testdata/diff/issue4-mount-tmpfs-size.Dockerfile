FROM alpine
RUN --mount=type=tmpfs,target=/tmp df /tmp
RUN --mount=type=tmpfs,target=/scratch,size=64m df /scratch
RUN --mount=type=tmpfs,target=/big,size=1g,destination=/big df /big
RUN --mount=type=tmpfs,dst=/small,size=1024 df /small
