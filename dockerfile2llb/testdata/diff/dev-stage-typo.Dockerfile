FROM alpine AS build
RUN echo built > /out
FROM alpine
COPY --from=biuld /out /out
