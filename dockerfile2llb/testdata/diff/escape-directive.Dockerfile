# escape=`
FROM alpine
RUN echo one `
    two `
    three
COPY dir\sub /win\style
ENV P=C:\path\to
RUN echo "backslash \ kept" && echo $P
