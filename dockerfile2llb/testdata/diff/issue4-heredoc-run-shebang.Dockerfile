FROM python:3.12
ENV GREETING=hello
RUN <<EOF
#!/usr/bin/env python3
import os
print(os.environ["GREETING"], "$GREETING")
EOF
RUN <<script.sh
#!/bin/sh
set -e
echo "named $GREETING"
script.sh
