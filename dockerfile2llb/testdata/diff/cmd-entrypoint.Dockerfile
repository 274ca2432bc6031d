FROM alpine AS shell-forms
CMD echo shell form cmd
ENTRYPOINT /bin/echo shell form entrypoint

FROM alpine AS json-forms
ENTRYPOINT ["/entry"]
CMD ["--help"]

FROM json-forms AS child
CMD ["--version"]

FROM json-forms AS reset
ENTRYPOINT ["/other"]

FROM alpine AS empty
CMD []
ENTRYPOINT []
