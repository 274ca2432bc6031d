# diff: multi-platform=true
# diff: platform=implicit
FROM alpine
RUN echo implicit
