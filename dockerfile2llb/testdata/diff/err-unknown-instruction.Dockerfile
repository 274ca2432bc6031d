# diff: expect=error
FROM alpine
FROBNICATE now
