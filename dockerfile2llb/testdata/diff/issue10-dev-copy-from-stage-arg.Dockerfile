# COPY --from=${VAR} uses the ARGs declared in its stage above it (issue 10,
# beyond upstream 7); upstream cannot copy from a stage named by a variable.
# The default picks "two"; "one" is pruned.
# diff: expect=error
FROM alpine AS one
RUN echo one > /out
FROM alpine AS two
RUN echo two > /out
FROM alpine
ARG WHICH=two
ARG SRC=${WHICH}
COPY --from=${SRC} /out /out
