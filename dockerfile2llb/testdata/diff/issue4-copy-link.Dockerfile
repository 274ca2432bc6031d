FROM alpine AS build
RUN echo x > /x
FROM alpine
COPY --link --from=build /x /x
COPY --link a /a
