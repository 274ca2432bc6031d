FROM example.com/fake/full:1
RUN id && pwd
COPY config.yml ./config/
WORKDIR data
RUN ls
