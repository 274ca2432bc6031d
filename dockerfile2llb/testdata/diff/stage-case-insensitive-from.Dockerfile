FROM alpine AS builder
RUN echo built > /out

FROM busybox
COPY --from=BUILDER /out /out
COPY --from=Builder /out /out2
