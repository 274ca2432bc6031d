# diff: expect=error
ARG SRC=build
FROM alpine AS build
RUN echo built > /out
FROM alpine
COPY --from=${SRC} /out /out
