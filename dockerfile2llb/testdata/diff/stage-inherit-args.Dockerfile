FROM alpine AS base
ARG FLAVOR=vanilla
ARG SECRETLESS
ENV FROM_ARG=$FLAVOR
RUN echo $FLAVOR

FROM base AS derived
RUN echo "inherited arg: $FLAVOR env: $FROM_ARG"
ARG FLAVOR=chocolate
RUN echo "redeclared: $FLAVOR"
