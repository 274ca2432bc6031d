# diff: label=org.opencontainers.image.version=1.2.3
# diff: label=maintainer=ops@example.com
# diff: label=from.option=yes
FROM alpine AS build
LABEL stage=build
FROM example.com/fake/full:1
LABEL maintainer=dev@example.com other=kept
