# diff: expect=error
# diff: target=final
# A --mount from= a stage defined later, in a stage the target needs.
FROM busybox AS a
RUN --mount=from=b,target=/b cat /b/x
FROM busybox AS b
RUN echo x > /x
FROM a AS final
