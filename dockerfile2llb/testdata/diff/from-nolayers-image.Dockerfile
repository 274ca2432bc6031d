FROM example.com/fake/nolayers:1
COPY app /app
ENTRYPOINT ["/app"]
