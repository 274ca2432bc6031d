FROM later AS early
RUN true
FROM alpine AS later
RUN true
