FROM example.com/fake/full:1 AS a
CMD ["new", "cmd"]

FROM a
ENTRYPOINT /bin/sh -c "exec run"
CMD ["ignored?"]
