# RUN --mount=from=${VAR} uses the ARGs declared in its stage (issue 10,
# beyond upstream 7): the build arg beats the stage default, and a global
# ARG redeclared in the stage feeds the default.
# diff: expect=error
# diff: build-arg=SRC=one
ARG KIND=two
FROM alpine AS one
RUN echo one > /one
FROM alpine AS two
RUN echo two > /two
FROM alpine
ARG KIND
ARG SRC=$KIND
RUN --mount=from=${SRC},target=/mnt cat /mnt/one
