#!/usr/bin/env bash
# hack/test.sh: the one test command. Unit tests and the integration suite.
#
# It first apt-get installs the Debian packages the tests need when they are
# missing (hack/tools.sh: docker.io, docker-registry, runc, busybox-static,
# git, curl, ca-certificates; no service they ship is started or enabled),
# and downloads the Go modules quietly (log in the summary directory, shown
# on failure).
#
# Without BUILDKIT_HOST it builds the pinned tools (hack/tools.sh, cached),
# starts a throwaway registry + buildkitd + buildx builder on 127.0.0.1
# (hack/env.sh), builds the base images and the frontend image from this
# working tree, runs every test, and tears it all down on exit.
#
# With BUILDKIT_HOST set it uses that daemon as it is (and MULTISTAGE_REGISTRY,
# MULTISTAGE_BUILDX_BUILDER, MULTISTAGE_FRONTEND_IMAGE if set): the frontend
# image there is not rebuilt; run `hack/env.sh frontend` for that.
#
# Then hack/conformance.sh runs BuildKit's own Dockerfile suite against our
# image (MULTISTAGE_CONFORMANCE=0 leaves it out).
#
# While it runs, every phase that takes longer than 20 seconds says what it
# does: the tool builds and the environment (hack/tools.sh, hack/env.sh),
# each test package that has run for 20 s (every 30 s: tests done of how
# many, the tests running), the background build of the old daemons and
# the conformance suite. At the end: one line per package, every skipped
# test with its reason, and the test data that was not found.
#
# Extra arguments go to `go test` (and leave the conformance run out), e.g.
# hack/test.sh -run TestScenarios/docs -v
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
# shellcheck source=hack/tools.sh
. hack/tools.sh
start=$SECONDS
log() { printf '[test] %s\n' "$*" >&2; }

# The integration package is the long pole of `go test ./...`, and the
# limit was 25 minutes: it took 1,244 s at load 4 to 12 (issue 19) and
# 1,487 s at load 8 to 20 (6 December 2026; TestShip 1,010 s of it, mostly
# `go test` and staticcheck of the whole module inside BuildKit). The limit
# only catches a hang (each build in the package has its own 5-minute limit,
# integration/harness_test.go), so it stays far above the run time, 2.4
# times the loaded one, yet a stuck run still ends with the goroutine dump
# inside CI's 90 minutes: the environment (9 minutes at load 10 to 20 with
# the tools cached, 9 idle with none), 60, and the conformance suite (5).
# Splitting the package in two `go test` runs would not widen the margin:
# TestShip alone is two thirds of it, and the tests share 2 cores.
TEST_TIMEOUT=${MULTISTAGE_TEST_TIMEOUT:-60m}

BUILDKIT_HOST_WAS_SET=${BUILDKIT_HOST:+1}
envfile='' oldbuild='' oldbuild_pgid='' summary='' watcher='' beat=''
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	if [[ -n $watcher ]]; then kill "$watcher" 2>/dev/null || true; fi
	if [[ -n $beat ]]; then kill "$beat" 2>/dev/null || true; fi
	if [[ -n $oldbuild_pgid ]] && kill -0 "$oldbuild_pgid" 2>/dev/null; then
		log "stopping the old-daemon build still running (it starts again next time)"
		kill -- "-$oldbuild_pgid" 2>/dev/null || true
		# Until its half-built copy in the tool cache is removed.
		wait "$oldbuild_pgid" 2>/dev/null || true
	fi
	if [[ -n $oldbuild ]]; then rm -rf "$oldbuild"; fi
	if [[ -n $summary ]]; then rm -rf "$summary"; fi
	if [[ -n $envfile ]]; then hack/env.sh down "$envfile" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
summary=$(mktemp -d "${TMPDIR:-/tmp}/multistage-testsummary.XXXXXX")

# apt-get first, alone: the tool builds below would race on it. Graphviz
# is the tests' alone (the demo does without): TestDocsImages renders the
# docs' --call=graph pictures with it and compares them with the committed
# ones; without it only their DOT is compared.
tools_apt
command -v dot >/dev/null 2>&1 || tools_apt_install graphviz
if ! go mod download >"$summary/gomod.log" 2>&1; then
	cat "$summary/gomod.log" >&2
	log "go mod download failed"
	exit 1
fi

# heartbeat WHAT: "WHAT: still running (Ns)" every 30 s until killed. It
# sleeps a second at a time, so nothing of it outlives a kill by more.
heartbeat() {
	local what=$1 t0=$SECONDS next=$((SECONDS + 30))
	while sleep 1; do
		if ((SECONDS >= next)); then
			log "$what: still running ($((SECONDS - t0))s)"
			next=$((SECONDS + 30))
		fi
	done
}

# relay_background LOG RC: every 60 s while the background build runs, its
# latest progress line; then how it ended.
relay_background() {
	local log_file=$1 rc_file=$2 last='' line next=$((SECONDS + 60))
	while [[ ! -f $rc_file ]]; do
		sleep 1
		((SECONDS >= next)) || continue
		next=$((SECONDS + 60))
		line=$(grep '^\[tools\]' "$log_file" 2>/dev/null | tail -n 1 || true)
		if [[ -n $line && $line != "$last" ]]; then
			log "background: ${line#\[tools\] }"
			last=$line
		fi
	done
	log "background: the old-daemon build ended with exit $(cat "$rc_file") (log: $log_file)"
}

# The old-daemon matrix (integration/olddaemons_test.go): buildkitd alone at
# older releases, built once into the tool cache. A cold build runs in the
# background while the environment starts and the tests run; TestOldDaemons
# runs last and waits for it (MULTISTAGE_OLD_BUILDKITDS_READY). With a
# BuildKit of your own, only what is already cached is used.
if [[ -z ${MULTISTAGE_OLD_BUILDKITDS+set} ]]; then
	MULTISTAGE_OLD_BUILDKITDS=$(
		for v in $BUILDKIT_OLD_VERSIONS; do
			if [[ -z ${BUILDKIT_HOST_WAS_SET:-} || -x $(old_buildkitd_bin "$v") ]]; then
				printf '%s=%s ' "$v" "$(old_buildkitd_bin "$v")"
			fi
		done
	)
	export MULTISTAGE_OLD_BUILDKITDS
	missing_old=
	for v in $BUILDKIT_OLD_VERSIONS; do
		[[ -x $(old_buildkitd_bin "$v") ]] || missing_old+=" $v"
	done
	if [[ -z ${BUILDKIT_HOST_WAS_SET:-} && -n $missing_old ]]; then
		oldbuild=$(mktemp -d "${TMPDIR:-/tmp}/multistage-oldbuild.XXXXXX")
		log "building buildkitd$missing_old in the background for TestOldDaemons (several minutes on 2 cores, once; log: $oldbuild/log)"
		# In a process group of its own, so cleanup stops the compilers too.
		# shellcheck disable=SC2016 # expanded by the inner shell
		setsid bash -c 'rc=0; hack/tools.sh old >"$1/log" 2>&1 || rc=$?; echo "$rc" >"$1/rc.tmp" && mv "$1/rc.tmp" "$1/rc"' \
			_ "$oldbuild" &
		oldbuild_pgid=$!
		export MULTISTAGE_OLD_BUILDKITDS_READY=$oldbuild/rc MULTISTAGE_OLD_BUILDKITDS_LOG=$oldbuild/log
		relay_background "$oldbuild/log" "$oldbuild/rc" &
		watcher=$!
	fi
fi

if [[ -z ${BUILDKIT_HOST:-} ]]; then
	envfile=$(mktemp "${TMPDIR:-/tmp}/multistage-test-env.XXXXXX")
	rm -f "$envfile"
	log "starting the test environment (hack/env.sh up)"
	hack/env.sh up "$envfile" >/dev/null
	set -a
	# shellcheck disable=SC1090
	. "$envfile"
	set +a
	log "environment ready after $((SECONDS - start))s"
else
	log "using the existing BuildKit at $BUILDKIT_HOST"
fi

tstart=$SECONDS
rc=0
# -json, condensed by hack/testsummary: failed tests' output (everything
# with -v), progress every 30 s, then "N passed, N failed, N skipped" per
# package, the skipped tests and the test data that was not found.
summary_args=()
for a in "$@"; do
	if [[ $a == -v || $a == -test.v || $a == -v=true ]]; then summary_args=(-v); fi
done
go build -o "$summary/testsummary" ./hack/testsummary
if (($# == 0)); then
	# How many tests each package has, for the progress lines.
	go test -json -list . ./... >"$summary/list.json" 2>/dev/null || true
	summary_args+=(-list "$summary/list.json")
fi
log "running go test ./... (timeout $TEST_TIMEOUT per package)"
go test -json -count=1 -timeout "$TEST_TIMEOUT" "$@" ./... 2>&1 |
	"$summary/testsummary" -report "$summary/report" "${summary_args[@]}" || rc=$?
log "go test took $((SECONDS - tstart))s; exit $rc"

# BuildKit's own Dockerfile suite against our image; skipped when go test
# was asked for something narrower.
crc=0
if (($# == 0)) && [[ ${MULTISTAGE_CONFORMANCE:-1} != 0 ]]; then
	cstart=$SECONDS
	log "running BuildKit's own Dockerfile suite against our image (hack/conformance.sh, about 4 minutes)"
	heartbeat "conformance" &
	beat=$!
	hack/conformance.sh || crc=$?
	kill "$beat" 2>/dev/null || true
	beat=
	log "conformance took $((SECONDS - cstart))s; exit $crc"
fi
log "total $((SECONDS - start))s"
# The per-package counts and the skips come last, where they are seen.
cat "$summary/report" >&2 2>/dev/null || true
((rc == 0)) || exit "$rc"
exit "$crc"
