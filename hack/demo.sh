#!/usr/bin/env bash
# hack/demo.sh: the main job, end to end.
#
#   1. use the BuildKit environment from `hack/env.sh up` if one is running,
#      else start a throwaway one (registry + buildkitd on 127.0.0.1, stopped
#      again on exit); a first run builds buildkitd and buildctl only
#      (hack/tools.sh demo), not buildx, which the demo does not need;
#   2. build the frontend image from this working tree and push it as
#      myorg/multistage:1;
#   3. build examples/hello (whose first line is `# syntax=myorg/multistage:1`)
#      with buildctl and BuildKit's own Dockerfile frontend, which hands the
#      build to our image, as `docker buildx build` does;
#   4. run the binary it produced: it prints "hello, world".
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
start=$SECONDS
log() { printf '[demo] %s (%ds)\n' "$*" "$((SECONDS - start))" >&2; }

teardown() {
	log "tearing down: stopping buildkitd, the registry and the module proxy by PID, deleting their state"
	hack/env.sh down "$envfile" 2>&1 | sed 's/^/[demo]   /' >&2 || true
	log "torn down"
}

envfile=${MULTISTAGE_ENV_FILE:-$REPO/.multistage/env}
if [[ -f $envfile ]]; then
	log "using the running environment in $envfile; rebuilding the frontend image from this tree"
	hack/env.sh frontend "$envfile"
else
	envfile=$(mktemp "${TMPDIR:-/tmp}/multistage-demo-env.XXXXXX")
	rm -f "$envfile"
	trap teardown EXIT
	trap 'exit 130' INT TERM
	log "starting a local BuildKit: registry, buildkitd, base images, the frontend image (a first run also builds buildkitd and buildctl, a few minutes)"
	MULTISTAGE_NO_BUILDX=1 MULTISTAGE_FRONTEND_HOST_BUILD=1 hack/env.sh up "$envfile" >/dev/null
fi
set -a
# shellcheck disable=SC1090
. "$envfile"
set +a

out=$(mktemp -d "${TMPDIR:-/tmp}/multistage-demo-out.XXXXXX")
log "building examples/hello through $(head -n1 examples/hello/Dockerfile) with buildctl"
"$MULTISTAGE_BUILDCTL" --addr "$BUILDKIT_HOST" build --progress=plain \
	--frontend dockerfile.v0 --local context=examples/hello --local dockerfile=examples/hello \
	--output "type=local,dest=$out"
log "running $out/bin/hello:"
"$out/bin/hello"
rm -rf "$out"
log "done"
