ARG TARGETOS
ARG VARIANT=prod
FROM alpine AS base-prod
RUN echo prod
FROM alpine AS base-dev
RUN echo dev
FROM base-${VARIANT} AS selected
RUN echo selected
FROM busybox AS bin-linux
COPY --from=selected / /
FROM bin-${TARGETOS}
