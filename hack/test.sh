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

if [[ -z ${BUILDKIT_HOST:-} ]]; then
	envfile=$(mktemp "${TMPDIR:-/tmp}/multistage-test-env.XXXXXX")
	rm -f "$envfile"
	trap 'hack/env.sh down "$envfile" || true' EXIT
	trap 'exit 130' INT TERM
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
go test -count=1 -timeout "${MULTISTAGE_TEST_TIMEOUT:-25m}" "$@" ./... || rc=$?
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
((rc == 0)) || exit "$rc"
exit "$crc"
