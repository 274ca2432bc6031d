#!/bin/sh
# Runs the chain benchmarks (benchdata.Chain: N stages, each FROM the
# previous, with a RUN and a COPY --from two stages back) and prints one
# row per N: the stage graph alone (stages: parse + build), our converter
# and upstream's (convert + marshal to a Definition), in ns/op.
#
#   bench/chain.sh                      # default benchtimes
#   GRAPH_BENCHTIME=2s CONVERT_BENCHTIME=5x bench/chain.sh
#   FILTER='N=(100|1000)$' bench/chain.sh  # only some sizes
set -eu
cd "$(dirname "$0")/.."

graph_time=${GRAPH_BENCHTIME:-1s}
convert_time=${CONVERT_BENCHTIME:-3x}
filter=${FILTER:-}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

pattern() { # $1: the sub-benchmark levels above N, as regexps ending in /
	if [ -n "$filter" ]; then echo "^BenchmarkChain\$/$1$filter"; else echo '^BenchmarkChain$'; fi
}

# rows() turns "BenchmarkChain/[KIND/]N=100-2  5  1234 ns/op ..." into
# "KIND 100 1234", KIND defaulting to $1.
rows() {
	awk -v kind="$1" '$1 ~ /^BenchmarkChain\// {
		n = split($1, part, "/"); k = (n == 3) ? part[2] : kind
		size = part[n]; sub(/^N=/, "", size); sub(/-[0-9]+$/, "", size)
		for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") print k, size, $i
	}'
}

go test -run '^$' -bench "$(pattern '')" -benchtime "$graph_time" -timeout 60m ./stages | rows graph >>"$out"
go test -run '^$' -bench "$(pattern '.*/')" -benchtime "$convert_time" -timeout 120m ./dockerfile2llb | rows converter >>"$out"

awk '
	{ n = $2; v[$1, n] = $3; if (!(n in seen)) { seen[n] = 1; ns[++k] = n } }
	function cell(kind, n) { return ((kind, n) in v) ? v[kind, n] : "-" }
	END {
		printf "%8s  %16s  %16s  %16s\n", "N", "graph ns/op", "ours ns/op", "upstream ns/op"
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (ns[j] + 0 < ns[i] + 0) { t = ns[i]; ns[i] = ns[j]; ns[j] = t }
		for (i = 1; i <= k; i++) printf "%8s  %16s  %16s  %16s\n", ns[i], cell("graph", ns[i]), cell("ours", ns[i]), cell("upstream", ns[i])
	}' "$out"
