FROM example.com/fake/full:1
ENTRYPOINT ["/new-entry"]
