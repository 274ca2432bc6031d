FROM alpine
RUN echo shell form && ls -la /
RUN ["echo", "exec", "form"]
RUN [ "sh", "-c", "echo $HOME" ]
RUN echo continued \
    line one \
    line two
RUN ["echo", 'single quotes make this shell form']
RUN   echo   "spaces   kept"
