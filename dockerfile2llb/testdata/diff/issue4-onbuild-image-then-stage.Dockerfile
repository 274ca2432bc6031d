# Image triggers run in the first stage; its own ONBUILD runs in the child.
FROM example.com/fake/onbuild:1 AS base
ONBUILD RUN echo second-level
FROM base
RUN cat /onbuild.txt
