#!/usr/bin/env bash
# hack/docs-images.sh: regenerate the documentation's pictures from the
# examples that show them; none is drawn by hand.
#
#   hack/docs-images.sh [--dot-only] [OUTDIR [PAGE...]]
#
# Each example marked `<!-- docs-image: images/NAME.svg -->` (just before its
# ```console block; docs/calls.md's --call=graph example is one) is built
# with its own --call=graph command on the test environment's buildx
# builder. The DOT it prints is written to images/NAME.dot beside the page,
# and Graphviz's `dot -Tsvg` renders it to images/NAME.svg. OUTDIR (default:
# the repository, so the committed files are rewritten) receives both at the
# pages' paths; PAGEs default to README.md and docs/**/*.md. --dot-only
# skips Graphviz (the docs test uses it where `dot` is missing).
#
# Both files are committed. The SVG is byte-for-byte what `dot` makes, but
# only for one Graphviz version (layout and the generator comment change
# between versions), so the docs test compares the SVG only where the local
# `dot -V` is the version the committed SVG names, and always compares the
# DOT. Debian 12's graphviz (2.42.2, which calls itself 2.43.0) made them.
#
# Needs the environment of `hack/env.sh up`: its env file sourced, or at
# $MULTISTAGE_ENV_FILE, or at .multistage/env.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
die() {
	echo "hack/docs-images.sh: $*" >&2
	exit 1
}

dot_only=
if [[ ${1:-} == --dot-only ]]; then
	dot_only=1
	shift
fi
out=${1:-.}
shift || true

if [[ -z ${MULTISTAGE_BUILDX_BUILDER:-} ]]; then
	envfile=${MULTISTAGE_ENV_FILE:-$REPO/.multistage/env}
	[[ -f $envfile ]] || die "no test environment: run hack/env.sh up (or set MULTISTAGE_ENV_FILE)"
	# shellcheck disable=SC1090
	. "$envfile"
fi
if [[ -z $dot_only ]] && ! command -v dot >/dev/null 2>&1; then
	die "Graphviz's dot is not installed (apt-get install graphviz)"
fi

dots=$(go run ./internal/docsexamples/cmd/docsgraph -out "$out" "$@")
while IFS= read -r f; do
	[[ -n $f ]] || continue
	if [[ -z $dot_only ]]; then
		dot -Tsvg "$f" >"${f%.dot}.svg"
		echo "hack/docs-images.sh: wrote $f and ${f%.dot}.svg ($(dot -V 2>&1))" >&2
	else
		echo "hack/docs-images.sh: wrote $f (no SVG: --dot-only)" >&2
	fi
done <<<"$dots"
[[ -n $dots ]] || echo "hack/docs-images.sh: no page names a picture (<!-- docs-image: PATH -->)" >&2
