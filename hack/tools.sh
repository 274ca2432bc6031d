#!/usr/bin/env bash
# hack/tools.sh: build the pinned tools the integration harness needs.
#
# Everything is built from the Go module proxy into a cache outside the clone,
# one directory per tool and version, and skipped when it is already there:
#
#   $MULTISTAGE_TOOLS/buildkit-v0.34.2/{buildkitd,buildctl}
#   $MULTISTAGE_TOOLS/buildx-v0.38.2/docker-buildx  (+ ~/.docker/cli-plugins/docker-buildx)
#   $MULTISTAGE_TOOLS/buildkitd-v0.12.5/buildkitd, buildkitd-v0.23.2/buildkitd
#       older daemons for the version matrix (`hack/tools.sh old` only)
#
# The registry is Debian's docker-registry package (distribution 2.8,
# ENV_REGISTRY_BIN), for hack/env.sh and for BuildKit's own suite
# (hack/conformance.sh): it serves everything the tests push (OCI indexes,
# attestations, registry cache manifests), and building distribution v3
# instead took four of a cold CI run's minutes.
# `hack/tools.sh demo` builds only what hack/demo.sh needs: buildkitd and
# buildctl.
#
# Debian packages (runc, busybox-static, docker-registry, git, curl,
# ca-certificates) are installed with apt-get when missing.
#
# Run it directly (`hack/tools.sh`), or source it to get the paths and the
# tools_ensure function without doing anything.

BUILDKIT_VERSION=v0.34.2
BUILDX_VERSION=v0.38.2
# Older daemons the version matrix runs against: the Docker 24 generation
# and a v0.2x release (buildkitd only; buildctl and buildx stay current).
BUILDKIT_OLD_VERSIONS="v0.12.5 v0.23.2"

MULTISTAGE_TOOLS=${MULTISTAGE_TOOLS:-/var/cache/multistage-tools}
BUILDKIT_DIR=$MULTISTAGE_TOOLS/buildkit-$BUILDKIT_VERSION
BUILDX_DIR=$MULTISTAGE_TOOLS/buildx-$BUILDX_VERSION
BUILDKITD_BIN=$BUILDKIT_DIR/buildkitd
BUILDCTL_BIN=$BUILDKIT_DIR/buildctl
ENV_REGISTRY_BIN=/usr/bin/docker-registry
BUILDX_BIN=$BUILDX_DIR/docker-buildx
BUILDX_PLUGIN=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-buildx

tools_log() { printf '[tools] %s\n' "$*" >&2; }

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# tools_apt installs the Debian packages the harness relies on, once.
tools_apt() {
	local missing=()
	command -v runc >/dev/null 2>&1 || missing+=(runc)
	# busybox-static ships a static /bin/busybox that can go into a scratch image.
	if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
		missing+=(busybox-static)
	fi
	[[ -x $ENV_REGISTRY_BIN ]] || missing+=(docker-registry)
	command -v git >/dev/null 2>&1 || missing+=(git)
	command -v curl >/dev/null 2>&1 || missing+=(curl)
	[[ -f /etc/ssl/certs/ca-certificates.crt ]] || missing+=(ca-certificates)
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	tools_log "apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# tools_module_copy MODULE@VERSION DEST: a writable copy of a module's source.
# Building inside the module (instead of `go install pkg@version`) keeps its
# own go.mod, so replace and exclude directives apply.
tools_module_copy() {
	local mod=$1 dest=$2 dir
	dir=$(cd / && GOFLAGS=-mod=mod go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
	if [[ -z "$dir" || ! -d "$dir" ]]; then
		tools_log "go mod download $mod gave no source directory"
		return 1
	fi
	cp -R "$dir" "$dest"
	chmod -R u+w "$dest"
}

# tools_build_in NAME VERSION MODULE CMD...: run CMD inside a writable copy of
# MODULE@VERSION with $OUT set to a fresh directory; $OUT then becomes
# $MULTISTAGE_TOOLS/NAME-VERSION, atomically. Skipped when already built.
tools_build_in() {
	local name=$1 version=$2 module=$3
	shift 3
	local out=$MULTISTAGE_TOOLS/$name-$version
	if [[ -f $out/.complete ]]; then
		return 0
	fi
	mkdir -p "$MULTISTAGE_TOOLS"
	local work
	work=$(mktemp -d "$MULTISTAGE_TOOLS/.build-$name.XXXXXX")
	# A stopped build (hack/test.sh stops a background one) leaves no
	# half-built copy in the cache.
	# shellcheck disable=SC2064 # $work is expanded now, on purpose
	trap "rm -rf '$work'; exit 143" TERM INT
	tools_log "building $name $version from the Go module proxy: first run only, a few minutes on 2 cores; cached in $out"
	local start=$SECONDS
	tools_module_copy "$module@$version" "$work/src"
	mkdir -p "$work/out"
	(
		cd "$work/src"
		export GOFLAGS=-buildvcs=false GOWORK=off OUT=$work/out
		"$@"
	)
	touch "$work/out/.complete"
	rm -rf "$out"
	mv "$work/out" "$out"
	rm -rf "$work"
	trap - TERM INT
	tools_log "built $name $version in $((SECONDS - start))s"
}

# tools_build NAME VERSION MODULE LDFLAGS PKG...: `go build` PKGs of
# MODULE@VERSION into $MULTISTAGE_TOOLS/NAME-VERSION.
tools_build() {
	local name=$1 version=$2 module=$3 ldflags=$4
	shift 4
	# shellcheck disable=SC2016 # $OUT is expanded by the inner shell
	tools_build_in "$name" "$version" "$module" \
		bash -c 'go build -trimpath -ldflags "$0" -o "$OUT/" "$@"' "$ldflags" "$@"
}

# tools_ensure_demo: what hack/demo.sh needs, buildkitd and buildctl.
tools_ensure_demo() {
	set -euo pipefail
	tools_apt
	command -v go >/dev/null || {
		tools_log "go is required on PATH"
		return 1
	}
	tools_build buildkit "$BUILDKIT_VERSION" github.com/moby/buildkit \
		"-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" \
		./cmd/buildkitd ./cmd/buildctl
}

# tools_ensure: everything the tests need, buildx too.
tools_ensure() {
	tools_ensure_demo
	tools_build buildx "$BUILDX_VERSION" github.com/docker/buildx \
		"-X github.com/docker/buildx/version.Version=$BUILDX_VERSION" \
		./cmd/buildx
	if [[ ! -x $BUILDX_DIR/docker-buildx && -x $BUILDX_DIR/buildx ]]; then
		mv "$BUILDX_DIR/buildx" "$BUILDX_DIR/docker-buildx"
	fi
	mkdir -p "$(dirname "$BUILDX_PLUGIN")"
	if ! cmp -s "$BUILDX_BIN" "$BUILDX_PLUGIN"; then
		install -m 0755 "$BUILDX_BIN" "$BUILDX_PLUGIN"
	fi
}

# old_buildkitd_bin VERSION: where tools_ensure_old puts that buildkitd.
old_buildkitd_bin() { echo "$MULTISTAGE_TOOLS/buildkitd-$1/buildkitd"; }

# tools_ensure_old builds buildkitd alone at each of BUILDKIT_OLD_VERSIONS.
tools_ensure_old() {
	set -euo pipefail
	tools_apt
	local v
	for v in $BUILDKIT_OLD_VERSIONS; do
		# -mod=mod: their module zips carry a stale vendor/modules.txt.
		tools_build buildkitd "$v" github.com/moby/buildkit \
			"-X github.com/moby/buildkit/version.Version=$v" -mod=mod ./cmd/buildkitd
	done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	case ${1:-all} in
	demo) tools_ensure_demo ;;
	all) tools_ensure ;;
	old) tools_ensure_old ;;
	*)
		echo "usage: $0 [demo|all|old]" >&2
		exit 2
		;;
	esac
	printf 'BUILDKITD=%s\nBUILDCTL=%s\nREGISTRY=%s\nBUILDX=%s\n' \
		"$BUILDKITD_BIN" "$BUILDCTL_BIN" "$ENV_REGISTRY_BIN" "$BUILDX_PLUGIN"
fi
