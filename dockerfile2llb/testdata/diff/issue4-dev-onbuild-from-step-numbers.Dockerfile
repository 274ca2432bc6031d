# A trigger in a parent stage adds a --from edge to the child, making the
# otherwise unreachable stage "tools" reachable. Upstream numbers its steps
# [tools 2/2] FROM and [tools 3/2] RUN (it counted a FROM name made while
# tools was still unreachable); ours numbers them 1/2 and 2/2.
FROM alpine AS tools
RUN echo tool > /tool
FROM alpine AS base
ONBUILD COPY --from=tools /tool /usr/bin/tool
FROM base AS app
RUN /usr/bin/tool
