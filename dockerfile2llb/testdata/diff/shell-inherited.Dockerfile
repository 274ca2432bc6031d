FROM example.com/fake/shell:1 AS base
RUN echo uses bash from image config

FROM base
RUN echo still bash
CMD echo cmd
