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
# MULTISTAGE_TOOLS defaults to /var/cache/multistage-tools; point it at an
# empty directory to see a first run. A build says what it compiles and, every
# 15 seconds, how many of the packages it needs are done; the go command's
# own output (module downloads included) goes to a log in the build's work
# directory, printed when the build fails.
#
# The registry is Debian's docker-registry package (distribution 2.8,
# ENV_REGISTRY_BIN), for hack/env.sh and for BuildKit's own suite
# (hack/conformance.sh): it serves everything the tests push (OCI indexes,
# attestations, registry cache manifests), and building distribution v3
# instead took four of a cold CI run's minutes.
# `hack/tools.sh buildkit` builds buildkitd and buildctl only.
#
# Debian packages are installed with apt-get when missing (tools_apt): runc,
# busybox-static, docker-registry, docker.io (Docker Engine 20.10 for
# integration/dockerengine_test.go and hack/demo.sh; it brings containerd,
# runc and tini), git, curl, ca-certificates. None of the services they ship
# is started or enabled (tools_apt_install): the harness starts its own
# daemons, on 127.0.0.1, and stops them again.
#
# Run it directly (`hack/tools.sh`), or source it to get the paths and the
# functions without doing anything.

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

# tools_apt installs the Debian packages the harness and the demo rely on,
# once.
tools_apt() {
	local missing=()
	[[ -x /usr/sbin/dockerd && -x /usr/bin/docker ]] || missing+=(docker.io)
	# busybox-static ships a static /bin/busybox that can go into a scratch image.
	if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
		missing+=(busybox-static)
	fi
	[[ -x $ENV_REGISTRY_BIN ]] || missing+=(docker-registry)
	[[ -f /etc/ssl/certs/ca-certificates.crt ]] || missing+=(ca-certificates)
	command -v runc >/dev/null 2>&1 || missing+=(runc)
	command -v git >/dev/null 2>&1 || missing+=(git)
	command -v curl >/dev/null 2>&1 || missing+=(curl)
	if ((${#missing[@]})); then
		tools_apt_install "${missing[@]}"
	fi
}

# tools_apt_install PKG...: apt-get install, without starting or enabling
# any service the packages (or what they pull in) ship. docker.io brings
# docker.service, docker.socket and containerd.service, docker-registry its
# docker-registry.service, each with an init script, and their maintainer
# scripts would start them and enable them at boot: a system-wide dockerd
# and a registry on port 5000 that nothing here uses. A policy-rc.d that
# answers 101 (what Debian's invoke-rc.d and deb-systemd-invoke ask before
# starting anything) keeps them stopped during the install; then every unit
# and init script of each newly installed package is disabled.
tools_apt_install() {
	local before log rc=0
	before=$(tools_installed_packages)
	log=$(mktemp "${TMPDIR:-/tmp}/multistage-apt.XXXXXX")
	tools_log "apt-get install $* (no service started or enabled; log: $log)"
	(
		set -e
		if [[ ! -e /usr/sbin/policy-rc.d ]]; then
			trap 'rm -f /usr/sbin/policy-rc.d' EXIT
			trap 'exit 143' TERM INT
			printf '#!/bin/sh\n# hack/tools.sh: no service starts during its apt-get install\nexit 101\n' >/usr/sbin/policy-rc.d
			chmod 0755 /usr/sbin/policy-rc.d
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "$@"
	) >"$log" 2>&1 || rc=$?
	if ((rc != 0)); then
		tail -n 30 "$log" >&2
		tools_log "apt-get install $* failed (log: $log)"
		return "$rc"
	fi
	rm -f "$log"
	local pkg
	for pkg in $(comm -13 <(echo "$before") <(tools_installed_packages)); do
		tools_services_off "$pkg"
	done
}

tools_installed_packages() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' | sort
}

# tools_services_off PKG disables every systemd unit and init script PKG
# installed, and stops any that runs anyway (socket activation).
tools_services_off() {
	local files units=() inits=() u
	files=$(dpkg -L "$1" 2>/dev/null) || return 0
	mapfile -t units < <(sed -n 's#^/\(usr/\)\{0,1\}lib/systemd/system/\([^/@]*\.\(service\|socket\|timer\|path\)\)$#\2#p' <<<"$files" | sort -u)
	mapfile -t inits < <(sed -n 's#^/etc/init\.d/\([^/]*\)$#\1#p' <<<"$files")
	((${#units[@]} + ${#inits[@]})) || return 0
	for u in "${units[@]}"; do
		if [[ -d /run/systemd/system ]]; then
			systemctl disable --now --quiet "$u" >/dev/null 2>&1 || true
		else
			deb-systemd-helper disable "$u" >/dev/null 2>&1 || true
		fi
	done
	for u in "${inits[@]}"; do
		update-rc.d "$u" disable >/dev/null 2>&1 || true
	done
	tools_log "$1: left disabled and stopped: ${units[*]} ${inits[*]/#//etc/init.d/}"
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
# CMD's output goes to $TOOLS_BUILD_LOG, printed only when it fails.
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
	local start=$SECONDS log=$work/build.log
	tools_module_copy "$module@$version" "$work/src"
	mkdir -p "$work/out"
	: >"$log"
	(
		cd "$work/src"
		# shellcheck disable=SC2030 # for CMD, in this subshell only
		export GOFLAGS=-buildvcs=false GOWORK=off OUT=$work/out TOOLS_BUILD_LOG=$log
		"$@"
	) >>"$log" 2>&1 &
	tools_watch "building $name $version" "$log" $! || {
		tools_log_tail "$log"
		tools_log "building $name $version failed (log: $log)"
		trap - TERM INT
		return 1
	}
	touch "$work/out/.complete"
	rm -rf "$out"
	mv "$work/out" "$out"
	rm -rf "$work"
	trap - TERM INT
	tools_log "built $name $version in $((SECONDS - start))s"
}

# tools_build NAME VERSION MODULE LDFLAGS [FLAG...] PKG...: `go build` PKGs
# of MODULE@VERSION into $MULTISTAGE_TOOLS/NAME-VERSION.
tools_build() {
	local name=$1 version=$2 module=$3
	shift 3
	tools_build_in "$name" "$version" "$module" tools_build_go "$@"
}

# tools_build_go LDFLAGS [FLAG...] PKG... runs inside tools_build_in.
# shellcheck disable=SC2031 # OUT and TOOLS_BUILD_LOG are tools_build_in's
tools_build_go() {
	local ldflags=$1 flags=() pkgs=() a
	shift
	for a in "$@"; do
		if [[ $a == -* ]]; then flags+=("$a"); else pkgs+=("$a"); fi
	done
	tools_go_build "$TOOLS_BUILD_LOG" -trimpath -ldflags "$ldflags" -o "$OUT/" "${flags[@]}" -- "${pkgs[@]}"
}

# tools_go_build LOG FLAG... -- PKG...: `go build -v FLAG... PKG...` with
# everything the go command prints (module downloads, the packages as they
# compile, errors) appended to LOG, and in LOG.total how many packages the
# build needs: what tools_watch reports progress from.
tools_go_build() {
	local log=$1 flags=() listflags=() i
	shift
	while [[ $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	shift
	for ((i = 0; i < ${#flags[@]}; i++)); do
		if [[ ${flags[i]} == -o ]]; then
			i=$((i + 1))
			continue
		fi
		listflags+=("${flags[i]}")
	done
	go list -deps "${listflags[@]}" "$@" >"$log.deps" 2>>"$log"
	wc -l <"$log.deps" >"$log.total"
	go build -v "${flags[@]}" "$@" >>"$log" 2>&1
}

# tools_watch WHAT LOG PID [FUNC] waits for PID, saying every 15 seconds
# how far it got: what FUNC LOG prints (tools_progress: packages compiled,
# see tools_go_build). It returns PID's exit status.
tools_watch() {
	local what=$1 log=$2 pid=$3 progress=${4:-tools_progress} start=$SECONDS next=$((SECONDS + 15))
	while kill -0 "$pid" 2>/dev/null; do
		if ((SECONDS >= next)); then
			tools_log "$what: $("$progress" "$log") ($((SECONDS - start))s)"
			next=$((SECONDS + 15))
		fi
		sleep 1
	done
	wait "$pid"
}

tools_progress() {
	local log=$1 downloads built
	downloads=$(grep -c '^go: downloading' "$log" 2>/dev/null || true)
	if [[ -s $log.total ]]; then
		built=$(grep -c -x '[A-Za-z0-9._~/-]\+' "$log" 2>/dev/null || true)
		echo "$built of $(<"$log.total") packages compiled"
	elif ((downloads > 0)); then
		echo "downloading modules, $downloads so far"
	else
		echo "still working"
	fi
}

# tools_log_tail LOG prints the end of a build log without the module
# downloads and the compiled packages' names: the errors.
tools_log_tail() {
	grep -v -E '^(go: downloading .*|[A-Za-z0-9._~/-]+)$' "$1" | tail -n 30 >&2 || true
}

# tools_ensure_buildkit: buildkitd and buildctl.
tools_ensure_buildkit() {
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
	tools_ensure_buildkit
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
	buildkit) tools_ensure_buildkit ;;
	all) tools_ensure ;;
	old) tools_ensure_old ;;
	*)
		echo "usage: $0 [buildkit|all|old]" >&2
		exit 2
		;;
	esac
	printf 'BUILDKITD=%s\nBUILDCTL=%s\nREGISTRY=%s\nBUILDX=%s\n' \
		"$BUILDKITD_BIN" "$BUILDCTL_BIN" "$ENV_REGISTRY_BIN" "$BUILDX_PLUGIN"
fi
