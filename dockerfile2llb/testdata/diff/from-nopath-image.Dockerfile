FROM example.com/fake/nopath:1
RUN echo $PATH
ENV EXTRA=1
