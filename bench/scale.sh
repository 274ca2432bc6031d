#!/bin/sh
# The scaling table of issue 17: every shape of internal/benchdata
# (Shapes) at its sizes N and 10N, through our converter and upstream's
# (convert plus marshal, fake resolver, all LLB caps), each run in a process
# of its own under a 4 GiB address-space cap and a 120 s timeout. A path
# linear in the file grows about 10x from N to 10N.
#
#   bench/scale.sh                      # every shape, one run at a time
#   SHAPES='^(env|expose)' bench/scale.sh   # the shapes whose name matches
#   JOBS=2 bench/scale.sh               # runs side by side (noisier times)
#   SIDES=ours bench/scale.sh           # one converter only
#   VERBOSE=1 bench/scale.sh            # also every raw line, errors included
#   TIMEOUT=30 MEM_GIB=2 bench/scale.sh
#
# A cell is the wall time of the run; "err" marks a run that ended with an
# error (a limit, an unknown target), OOM one that ran out of memory,
# timeout one that did not finish, crash one that died another way (a
# stack overflow, a panic). A 10N cell in parentheses was not run: the run
# at N already ended that way. Growth is shown where both runs ended the
# same way (both converted, or both failed with the same error). The last
# columns are ours at 10N: its peak RSS, how its CPU time (user and
# system, the garbage collector's included) grew from N, and how its bytes
# allocated grew. Both are steadier than wall time on a busy machine; the
# growth columns are wall time, which only an idle machine measures well.
set -eu
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."

if [ "${1:-}" = --one ]; then # --one SHAPE SIZE WHICH DIR: one run, one result file
	shift
	res=$4/$1.$2.$3
	log=$4/log/$1.$2.$3
	rc=0
	(
		ulimit -v $((${MEM_GIB:-4} * 1024 * 1024))
		MULTISTAGE_SCALE_SHAPE=$1 MULTISTAGE_SCALE_N=$2 MULTISTAGE_SCALE_WHICH=$3 \
			exec timeout -k 5 "${TIMEOUT:-120}" "$4/scale.test" -test.run '^TestScale$' -test.count=1
	) >"$log" 2>&1 || rc=$?
	line=$(grep '^scale ' "$log" || true)
	if [ -n "$line" ]; then # the size as the table names it: N or 10N
		echo "$line" | awk -v size="$2" '{ $3 = size; print }' >"$res"
	elif [ "$rc" = 124 ]; then
		echo "scale $1 $2 $3 - - - - timeout" >"$res"
	elif [ "$rc" = 137 ] || grep -q 'out of memory' "$log"; then
		echo "scale $1 $2 $3 - - - - OOM" >"$res"
	else
		why=$(grep -m1 -E 'fatal error|panic:' "$log" | cut -c1-100 || true)
		echo "scale $1 $2 $3 - - - - crash: rc=$rc ${why:-no message}" >"$res"
	fi
	exit 0
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/log"
go test -c -o "$dir/scale.test" ./dockerfile2llb
MULTISTAGE_SCALE_LIST=1 "$dir/scale.test" -test.run '^TestScaleList$' |
	awk -v re="${SHAPES:-.}" '$1 == "shape" && $2 ~ re { print $2, $3, $4 }' >"$dir/shapes"

# run SIZE: every selected shape at N or 10N, both converters. At 10N,
# skips a run whose N run did not finish: it would not finish either.
run() {
	while read -r shape n ten; do
		for which in ${SIDES:-ours upstream}; do
			if [ "$1" = 10N ] && grep -qE ' (timeout|OOM|crash)' "$dir/$shape.N.$which"; then
				continue
			fi
			echo "$shape $1 $which $dir"
		done
	done <"$dir/shapes" | xargs -n 4 -P "${JOBS:-1}" "$self" --one
}
run N
run 10N

cat "$dir"/*.N.* "$dir"/*.10N.* 2>/dev/null | awk -v shapes="$dir/shapes" '
	# cell: the time of a run, or how it ended.
	function cell(k) {
		if (!(k in how)) return "-"
		if (how[k] != "ok" && how[k] != "err") return how[k]
		return (how[k] == "err" ? "err " : "") ms[k] "ms"
	}
	# growth: 10N time over N time, where both ended the same way (both
	# converted, or both failed with the same error but for its numbers).
	function growth(a, b, v) {
		if (!(a in how) || !(b in how) || how[a] != how[b] || why[a] != why[b] || v[a] == "-" || v[a] + 0 == 0) return "-"
		return sprintf("%.1fx", v[b] / v[a])
	}
	{
		k = $2 " " $3 " " $4
		ms[k] = $5; alloc[k] = $6; rss[k] = $7; cpu[k] = $8
		how[k] = ($9 == "ok") ? "ok" : ($9 == "error:") ? "err" : ($9 ~ /^crash/) ? "crash" : $9
		why[k] = (how[k] == "err") ? substr($0, index($0, "error:")) : ""
		gsub(/[0-9,]/, "", why[k])
	}
	END {
		fmt = "%-22s %7s %8s  %12s %12s %7s  %12s %12s %7s  %8s %8s %8s\n"
		printf fmt, "shape", "N", "10N", "ours N", "ours 10N", "growth", "upstream N", "upstream 10N", "growth", "10N MiB", "cpu x", "alloc x"
		while ((getline line < shapes) > 0) {
			split(line, f, " ")
			s = f[1]
			row[1] = cell(s " N ours"); row[2] = cell(s " N upstream")
			for (i = 1; i <= 2; i++) {
				side = (i == 1) ? "ours" : "upstream"
				k = s " 10N " side
				ten[i] = (k in how || !(s " N " side in how)) ? cell(k) : "(" how[s " N " side] ")"
			}
			mib = (s " 10N ours" in rss && rss[s " 10N ours"] != "-") ? sprintf("%d", rss[s " 10N ours"] / 1024) : "-"
			printf fmt, s, f[2], f[3], row[1], ten[1], growth(s " N ours", s " 10N ours", ms),
				row[2], ten[2], growth(s " N upstream", s " 10N upstream", ms), mib,
				growth(s " N ours", s " 10N ours", cpu), growth(s " N ours", s " 10N ours", alloc)
		}
	}'
if [ -n "${VERBOSE:-}" ]; then
	cat "$dir"/*.N.* "$dir"/*.10N.* 2>/dev/null | grep '^scale ' >&2 || true
fi
