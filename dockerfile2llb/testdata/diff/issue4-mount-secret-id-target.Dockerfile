FROM alpine
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
RUN --mount=type=secret,id=aws,dst=/root/.aws/credentials aws s3 ls
RUN --mount=type=secret,target=/run/secrets/token cat /run/secrets/token
RUN --mount=type=secret,source=gh,target=/gh cat /gh
