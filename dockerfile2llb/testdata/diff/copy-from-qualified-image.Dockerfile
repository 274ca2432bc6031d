FROM alpine AS build
RUN echo stage > /which
FROM alpine
COPY --from=docker.io/library/build:latest /which /image-which
COPY --from=build /which /stage-which
