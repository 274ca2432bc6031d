# The trigger's --from stage is also used directly, so it was reachable
# before the trigger joined the graph.
FROM alpine AS tools
RUN echo tool > /tool
FROM alpine AS base
ONBUILD COPY --from=tools /tool /usr/bin/tool
ONBUILD RUN --mount=from=tools,target=/t ls /t
FROM base AS app
COPY --from=tools /tool /tool2
RUN /usr/bin/tool
