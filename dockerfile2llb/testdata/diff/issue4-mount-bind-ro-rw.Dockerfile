FROM alpine AS build
RUN echo x > /x
FROM alpine
RUN --mount=type=bind,target=/ctx,rw touch /ctx/scratch
RUN --mount=type=bind,target=/ctx,readwrite=true touch /ctx/scratch
RUN --mount=type=bind,target=/ctx,ro=true cat /ctx/file
RUN --mount=type=bind,from=build,target=/b,readonly=false touch /b/y
RUN --mount=type=bind,from=build,target=/b,readonly cat /b/x
