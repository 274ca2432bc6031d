# leading comment
FROM alpine

# comment between instructions
RUN apk add \
    # a comment inside a continuation
    curl \

    git
RUN echo a \ 
    b
run echo lowercase instruction
