# RUN --mount=from=<number> names a stage by index, as COPY --from does;
# upstream reads the number as an image name and pulls docker.io/library/0.
FROM alpine
RUN echo first > /first
FROM alpine
RUN --mount=from=0,source=/first,target=/f cat /f
