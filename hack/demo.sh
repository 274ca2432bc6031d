#!/usr/bin/env bash
# hack/demo.sh: the main job, end to end.
#
#   1. use the BuildKit environment from `hack/env.sh up` if one is running,
#      else start a throwaway one (registry + buildkitd + buildx builder on
#      127.0.0.1; stopped again on exit);
#   2. build the frontend image from this working tree and push it as
#      myorg/multistage:1;
#   3. build examples/hello (whose first line is `# syntax=myorg/multistage:1`)
#      with `docker buildx build`;
#   4. run the binary it produced: it prints "hello, world".
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
log() { printf '[demo] %s\n' "$*" >&2; }

envfile=${MULTISTAGE_ENV_FILE:-$REPO/.multistage/env}
if [[ -f $envfile ]]; then
	log "using the running environment in $envfile"
	hack/env.sh frontend "$envfile"
else
	envfile=$(mktemp "${TMPDIR:-/tmp}/multistage-demo-env.XXXXXX")
	rm -f "$envfile"
	trap 'hack/env.sh down "$envfile" >/dev/null 2>&1 || true' EXIT
	trap 'exit 130' INT TERM
	log "starting a local BuildKit (first run builds the tools: a few minutes)"
	hack/env.sh up "$envfile" >/dev/null
fi
set -a
# shellcheck disable=SC1090
. "$envfile"
set +a

out=$(mktemp -d "${TMPDIR:-/tmp}/multistage-demo-out.XXXXXX")
log "docker buildx build examples/hello  (through $(head -n1 examples/hello/Dockerfile))"
# shellcheck disable=SC2086
$MULTISTAGE_BUILDX build --builder "$MULTISTAGE_BUILDX_BUILDER" --progress=plain \
	--output "type=local,dest=$out" examples/hello
log "running $out/bin/hello:"
"$out/bin/hello"
rm -rf "$out"
