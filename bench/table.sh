#!/bin/sh
# Prints the speed table: our converter against upstream's (convert plus
# marshal to a Definition), on every real-world file of the corpus (total),
# a fan-in of 1,000 images, a chain of 1,000 stages, a lattice of 150 stages,
# 200 stages x 200 ARGs, and an INCLUDE tree of 10 and of 100 files of 10
# stages (the Dockerfile includes 2 or 10 files, each including 4 or 9
# more): the two sizes show how the include path grows. Upstream has no
# INCLUDE: on those rows (marked *) it converts the same build inlined by
# hand into one Dockerfile. Both run interleaved in one process; each cell
# is the best of ROUNDS rounds.
#
#   bench/table.sh                 # 5 rounds; "ratio" is best against best,
#                                  # "median" the median of the per-round ratios
#   ROUNDS=10 bench/table.sh
#   PROFILE=cpu.out ONLY=fan-in SIDE=ours bench/table.sh   # a CPU profile
#   ROUNDS=3 ONLY='INCLUDE tree' bench/table.sh            # both tree rows
set -eu
cd "$(dirname "$0")/.."

set -- -run '^TestSpeedTable$' -count=1 -v -timeout 60m ./dockerfile2llb \
	-args -bench.table -bench.rounds="${ROUNDS:-5}" -bench.only="${ONLY:-}" -bench.side="${SIDE:-}"
if [ -n "${PROFILE:-}" ]; then
	set -- -cpuprofile "$PROFILE" "$@"
fi
go test "$@" | sed -n '/^ *workload/,/^---/p' | grep -v '^---'
