FROM example.com/fake/onbuild:1
RUN cat /onbuild.txt && echo $FROM_ONBUILD
