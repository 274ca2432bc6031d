# diff: target=one
FROM node:20 AS zero
RUN echo zero
FROM python:3.12 AS one
COPY --from=zero /x /x
FROM ruby:3 AS two
COPY --from=busybox / /
FROM two
