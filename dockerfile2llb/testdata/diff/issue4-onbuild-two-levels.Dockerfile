# Each level's ONBUILD runs only in its direct child.
FROM alpine AS base
ONBUILD RUN echo level1 > /l1
FROM base AS mid
ONBUILD RUN echo level2 > /l2
RUN cat /l1
FROM mid
RUN cat /l2
