FROM alpine AS s0
RUN echo 0 > /f0
FROM s0 AS s1
RUN echo 1 > /f1
FROM s1 AS s2
COPY --from=s0 /f0 /g0
RUN echo 2 > /f2
FROM s2 AS s3
COPY --from=s1 /f1 /g1
RUN echo 3 > /f3
FROM s3 AS s4
COPY --from=s2 /f2 /g2
RUN echo 4 > /f4
FROM s4 AS s5
COPY --from=s3 /f3 /g3
RUN echo 5 > /f5
FROM s5 AS s6
COPY --from=s4 /f4 /g4
RUN echo 6 > /f6
FROM s6 AS s7
COPY --from=s5 /f5 /g5
RUN echo 7 > /f7
FROM s7 AS s8
COPY --from=s6 /f6 /g6
RUN echo 8 > /f8
FROM s8 AS s9
COPY --from=s7 /f7 /g7
RUN echo 9 > /f9
FROM s9 AS s10
COPY --from=s8 /f8 /g8
RUN echo 10 > /f10
FROM scratch
COPY --from=s10 / /
