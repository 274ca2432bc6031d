# diff: expect=error
FROM alpine AS Build_Stage
RUN true
FROM Build_Stage
