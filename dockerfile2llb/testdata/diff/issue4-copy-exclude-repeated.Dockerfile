FROM alpine AS build
RUN mkdir /out
FROM alpine
COPY --exclude=*.md . /app
COPY --exclude=*.md --exclude=docs/ --exclude=**/*.test src/ /src/
COPY --from=build --exclude=*.tmp /out /out
COPY --parents --exclude=vendor ./mod/./pkg /pkg
