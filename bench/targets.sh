#!/bin/sh
# Wall time of one two-target build (--target test,lint) against two
# separate builds (--target test, then --target lint), through the frontend
# image on a running BuildKit (hack/env.sh up; source its env file first).
# Each round uses a fresh NONCE so nothing comes from the cache of an
# earlier round; within the separate pair, the second build may reuse the
# first's shared stage, as two `docker build` runs would.
#
#   set -a; . /tmp/X/env; set +a; bench/targets.sh [ROUNDS]
set -eu
rounds=${1:-3}
: "${MULTISTAGE_BUILDCTL:?source the hack/env.sh env file first}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# base does a few seconds of shell work that both targets need; each
# target adds half as much of its own.
cat > "$dir/Dockerfile" <<'DF'
FROM busybox AS base
ARG NONCE
RUN echo "$NONCE" > /nonce && i=0 && while [ $i -lt 5000000 ]; do i=$((i+1)); done
FROM base AS test
RUN i=0 && while [ $i -lt 500000 ]; do i=$((i+1)); done && echo test > /t
FROM base AS lint
RUN i=0 && while [ $i -lt 500000 ]; do i=$((i+1)); done && echo lint > /l
DF

build() { # $1 target, $2 nonce
	"$MULTISTAGE_BUILDCTL" build --frontend gateway.v0 --opt source="$MULTISTAGE_FRONTEND_IMAGE" \
		--local context="$dir" --local dockerfile="$dir" \
		--opt target="$1" --opt build-arg:NONCE="$2" \
		--output type=local,dest="$dir/out" >/dev/null 2>&1
}
now() { date +%s.%N; }

build test,lint warmup # the frontend image and busybox, once
echo "round one-build(s) two-builds(s)"
r=1
while [ "$r" -le "$rounds" ]; do
	n=$(date +%s%N)
	t0=$(now); build test,lint "one-$n"; t1=$(now)
	build test "two-$n"; build lint "two-$n"; t2=$(now)
	echo "$r $(echo "$t1 - $t0" | bc) $(echo "$t2 - $t1" | bc)"
	r=$((r + 1))
done
