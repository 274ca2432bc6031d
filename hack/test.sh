#!/usr/bin/env bash
# hack/test.sh: the one test command. Unit tests and the integration suite.
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
# Extra arguments go to `go test` (and leave the conformance run out), e.g.
# hack/test.sh -run TestScenarios/docs -v
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
start=$SECONDS
log() { printf '[test] %s\n' "$*" >&2; }

BUILDKIT_HOST_WAS_SET=${BUILDKIT_HOST:+1}
envfile= oldbuild= oldbuild_pgid= summary=
cleanup() {
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

# The old-daemon matrix (integration/olddaemons_test.go): buildkitd alone at
# older releases, built once into the tool cache. A cold build runs in the
# background while the environment starts and the tests run; TestOldDaemons
# runs last and waits for it (MULTISTAGE_OLD_BUILDKITDS_READY). With a
# BuildKit of your own, only what is already cached is used.
if [[ -z ${MULTISTAGE_OLD_BUILDKITDS+set} ]]; then
	MULTISTAGE_OLD_BUILDKITDS=$(
		. hack/tools.sh
		for v in $BUILDKIT_OLD_VERSIONS; do
			if [[ -z ${BUILDKIT_HOST_WAS_SET:-} || -x $(old_buildkitd_bin "$v") ]]; then
				printf '%s=%s ' "$v" "$(old_buildkitd_bin "$v")"
			fi
		done
	)
	export MULTISTAGE_OLD_BUILDKITDS
	if [[ -z ${BUILDKIT_HOST_WAS_SET:-} ]]; then
		# apt-get first, alone: the two tool builds would race on it.
		(. hack/tools.sh && tools_apt)
		oldbuild=$(mktemp -d "${TMPDIR:-/tmp}/multistage-oldbuild.XXXXXX")
		# In a process group of its own, so cleanup stops the compilers too.
		setsid bash -c 'rc=0; hack/tools.sh old >"$1/log" 2>&1 || rc=$?; echo "$rc" >"$1/rc.tmp" && mv "$1/rc.tmp" "$1/rc"' \
			_ "$oldbuild" &
		oldbuild_pgid=$!
		export MULTISTAGE_OLD_BUILDKITDS_READY=$oldbuild/rc MULTISTAGE_OLD_BUILDKITDS_LOG=$oldbuild/log
	fi
fi

if [[ -z ${BUILDKIT_HOST:-} ]]; then
	envfile=$(mktemp "${TMPDIR:-/tmp}/multistage-test-env.XXXXXX")
	rm -f "$envfile"
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
# with -v), then "N passed, N failed, N skipped" per package and the test
# data that was not found.
summary_args=()
for a in "$@"; do
	if [[ $a == -v || $a == -test.v || $a == -v=true ]]; then summary_args=(-v); fi
done
summary=$(mktemp -d "${TMPDIR:-/tmp}/multistage-testsummary.XXXXXX")
go build -o "$summary/testsummary" ./hack/testsummary
go test -json -count=1 -timeout "${MULTISTAGE_TEST_TIMEOUT:-25m}" "$@" ./... 2>&1 |
	"$summary/testsummary" -report "$summary/report" "${summary_args[@]}" || rc=$?
log "go test took $((SECONDS - tstart))s; exit $rc"

# BuildKit's own Dockerfile suite against our image; skipped when go test
# was asked for something narrower.
crc=0
if (($# == 0)) && [[ ${MULTISTAGE_CONFORMANCE:-1} != 0 ]]; then
	cstart=$SECONDS
	hack/conformance.sh || crc=$?
	log "conformance took $((SECONDS - cstart))s; exit $crc"
fi
log "total $((SECONDS - start))s"
# The per-package counts come last, where they are seen.
cat "$summary/report" >&2 2>/dev/null || true
((rc == 0)) || exit "$rc"
exit "$crc"
