# diff: expect=error
# only comments and a global arg
ARG X=1
