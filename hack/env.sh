#!/usr/bin/env bash
# hack/env.sh: a throwaway BuildKit environment on 127.0.0.1.
#
#   hack/env.sh up   [ENV_FILE]   start everything, write ENV_FILE
#   hack/env.sh down [ENV_FILE]   stop what `up` started (by PID), remove its state
#   hack/env.sh frontend [ENV_FILE]  rebuild and push the frontend image only
#
# ENV_FILE defaults to $MULTISTAGE_ENV_FILE or <repo>/.multistage/env. It is a
# shell file of KEY=VALUE lines and a last line exporting them all (`. FILE`):
#
#   BUILDKIT_HOST              unix socket of the buildkitd
#   MULTISTAGE_BUILDKIT_TCP    the same daemon on tcp://127.0.0.1:PORT
#   MULTISTAGE_REGISTRY        localhost:PORT, the registry (and docker.io mirror)
#   MULTISTAGE_BUILDX_BUILDER  name of a buildx builder (remote driver) on the daemon
#   BUILDX_BUILDER             the same, so a plain `docker buildx build` uses it
#   MULTISTAGE_BUILDX          how to run buildx: "docker buildx", or the binary
#   MULTISTAGE_FRONTEND_IMAGE  myorg/multistage:1
#   MULTISTAGE_ENV_DIR         the temporary directory holding all state
#   MULTISTAGE_BUILD_GOPROXY   http://127.0.0.1:PORT, the host's module cache as a
#                              GOPROXY for RUN steps (build arg GOPROXY)
#   MULTISTAGE_BUILDKITD       the buildkitd binary, for tests that start more nodes
#
# MULTISTAGE_NO_BUILDX=1 skips buildx (not built, no builder), and
# MULTISTAGE_FRONTEND_HOST_BUILD=1 compiles the frontend binary with the
# host's Go (and its warm build cache) instead of inside BuildKit. The image
# is the Dockerfile's release stage either way.
#
# Everything lives under one fresh temporary directory: the registry storage,
# buildkitd's root, sockets, configs, logs and the PID list that `down` uses.
# Every listener binds 127.0.0.1 only.
#
# `up` pushes these images to the registry:
#   library/busybox:latest  FROM scratch + Debian's static busybox
#   library/golang:1.26     the machine's /usr/local/go + busybox + CA bundle
#   myorg/multistage:1      the frontend, built from this working tree
# Because the registry is buildkitd's docker.io mirror, `FROM busybox`,
# `FROM golang:1.26` and `# syntax=myorg/multistage:1` resolve to them.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=hack/tools.sh
. "$REPO/hack/tools.sh"

FRONTEND_IMAGE=${MULTISTAGE_FRONTEND_IMAGE:-myorg/multistage:1}
GOLANG_TAG=1.26

log() { printf '[env] %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

env_file_arg() {
	local f=${1:-${MULTISTAGE_ENV_FILE:-$REPO/.multistage/env}}
	mkdir -p "$(dirname "$f")"
	printf '%s/%s\n' "$(cd "$(dirname "$f")" && pwd)" "$(basename "$f")"
}

# start NAME CMD...: run CMD in the background, logging to
# $STATE/NAME.log, and record its PID for `down`.
start() {
	local name=$1
	shift
	"$@" </dev/null >"$STATE/$name.log" 2>&1 &
	local pid=$!
	echo "$pid $name" >>"$STATE/pids"
	log "started $name (pid $pid)"
}

wait_for() {
	local what=$1 tries=$2
	shift 2
	local i
	for ((i = 0; i < tries; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.25
	done
	log "$what did not come up; its log:"
	tail -n 40 "$STATE/$what.log" >&2 || true
	return 1
}

# buildx_cmd: `docker buildx` where a docker CLI exists (the plugin is
# installed by tools.sh), else the same buildx binary standalone.
buildx_cmd() {
	if command -v docker >/dev/null 2>&1; then
		docker buildx "$@"
	else
		"$BUILDX_BIN" "$@"
	fi
}

bk() { "$BUILDCTL_BIN" --addr "unix://$STATE/buildkitd.sock" "$@"; }

# image NAME CONTEXT_DIR [buildctl args...]: build CONTEXT_DIR/Dockerfile with
# BuildKit's builtin Dockerfile frontend and push it to the local registry.
image() {
	local name=$1 ctx=$2
	shift 2
	local start=$SECONDS logf=$STATE/build-${name//[\/:]/_}.log
	bk build --progress=plain --frontend dockerfile.v0 \
		--local context="$ctx" --local dockerfile="$ctx" \
		--output "type=image,name=$REGISTRY/$name,push=true" \
		"$@" >"$logf" 2>&1 &
	tools_watch "building $name" "$logf" $! build_step || {
		tail -n 60 "$logf" >&2
		die "building $name failed (full log: $logf)"
	}
	log "pushed $REGISTRY/$name ($((SECONDS - start))s)"
}

# build_step LOG: the step a `--progress=plain` build is at.
build_step() {
	local step
	step=$(grep -E '^#[0-9]+ (\[|exporting|pushing)' "$1" 2>/dev/null | tail -n 1 | tr -s ' ' | cut -c1-70 || true)
	echo "at ${step:-its start}"
}

# module_proxy serves the host's Go module download cache on 127.0.0.1, as a
# GOPROXY for RUN steps: the frontend's own build then needs no network beyond
# loopback. `go mod download` on the host (through the host's usual GOPROXY)
# fills the cache; it runs in the background, `wait` for $MODDL_PID.
module_proxy() {
	local cache port
	cache=$(go env GOMODCACHE)/cache/download
	mkdir -p "$cache"
	port=$(free_port)
	start goproxy busybox httpd -f -p "127.0.0.1:$port" -h "$cache"
	wait_for goproxy 40 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
	BUILD_GOPROXY=http://127.0.0.1:$port
	echo "$BUILD_GOPROXY" >"$STATE/goproxy"
	(cd "$REPO" && go mod download) >"$STATE/gomod.log" 2>&1 &
	MODDL_PID=$!
}

build_base_images() {
	local dir=$STATE/images
	mkdir -p "$dir/busybox" "$dir/golang/certs"
	cp /bin/busybox "$dir/busybox/busybox"
	cat >"$dir/busybox/Dockerfile" <<-'EOF'
		FROM scratch
		COPY busybox /bin/busybox
		RUN ["/bin/busybox", "mkdir", "-p", "/usr/bin", "/sbin", "/usr/sbin", "/tmp", "/root", "/etc"]
		RUN ["/bin/busybox", "--install", "-s", "/bin"]
		RUN echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'root:x:0:' > /etc/group && chmod 1777 /tmp
		CMD ["sh"]
	EOF
	log "building library/busybox:latest (Debian's static busybox in scratch)"
	image library/busybox:latest "$dir/busybox"

	local gover
	gover=$(go env GOVERSION)
	gover=${gover#go}
	cp /etc/ssl/certs/ca-certificates.crt "$dir/golang/certs/"
	cat >"$dir/golang/Dockerfile" <<-EOF
		FROM busybox
		COPY --from=goroot / /usr/local/go
		COPY --from=certs ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
		ENV GOLANG_VERSION=$gover GOTOOLCHAIN=local GOPATH=/go
		ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
		WORKDIR /go
	EOF
	log "building library/golang:$GOLANG_TAG (this machine's Go toolchain on busybox)"
	image "library/golang:$GOLANG_TAG" "$dir/golang" \
		--local goroot="$(go env GOROOT)" --opt context:goroot=local:goroot \
		--local certs="$dir/golang/certs" --opt context:certs=local:certs
}

frontend_version() {
	(cd "$REPO" && git describe --always --dirty 2>/dev/null) || echo dev
}

build_frontend() {
	if [[ -n ${HOSTBUILD_PID:-} ]]; then
		wait "$HOSTBUILD_PID" || die "compiling the frontend on the host failed (log: $STATE/hostbuild.log)"
		log "building the image $FRONTEND_IMAGE around the binary compiled on the host"
		image "$FRONTEND_IMAGE" "$REPO" --local hostbuild="$STATE/hostbuild" --opt context:build=local:hostbuild
		return
	fi
	log "building the frontend image $FRONTEND_IMAGE from $REPO (a Go compile inside BuildKit, a minute or two when its cache is cold)"
	image "$FRONTEND_IMAGE" "$REPO" \
		--opt "build-arg:VERSION=$(frontend_version)" \
		--opt "build-arg:GOPROXY=$BUILD_GOPROXY" \
		--opt build-arg:GOSUMDB=off
}

# compile_frontend_on_host (MULTISTAGE_FRONTEND_HOST_BUILD=1, and
# hack/demo.sh) compiles the binary into $STATE/hostbuild/out in the
# background, as the Dockerfile's build stage does but with the host's Go
# build cache, while the base images build. build_frontend then builds the
# Dockerfile's release stage around it: the named context "build" stands in
# for that stage. It says every 15 seconds how many packages are compiled;
# the go command's output is in $STATE/hostbuild.log.
compile_frontend_on_host() {
	mkdir -p "$STATE/hostbuild/out"
	log "compiling the frontend on the host in the background (go build ./cmd/frontend; log: $STATE/hostbuild.log)"
	local version
	version=$(frontend_version)
	(
		t0=$SECONDS
		cd "$REPO"
		CGO_ENABLED=0 GOFLAGS=-buildvcs=false tools_go_build "$STATE/hostbuild.log" -trimpath \
			-ldflags "-s -w -X main.version=$version" -o "$STATE/hostbuild/out/" -- ./cmd/frontend &
		tools_watch "compiling the frontend" "$STATE/hostbuild.log" $! || {
			tools_log_tail "$STATE/hostbuild.log"
			exit 1
		}
		log "compiled the frontend on the host ($((SECONDS - t0))s)"
	) &
	HOSTBUILD_PID=$!
}

# start_registry starts the registry on a free port of 127.0.0.1 and sets
# REGISTRY_PORT and REGISTRY (localhost:PORT); its storage is in $STATE.
start_registry() {
	REGISTRY_PORT=$(free_port)
	REGISTRY=localhost:$REGISTRY_PORT
	cat >"$STATE/registry.yml" <<-EOF
		version: 0.1
		log:
		  level: warn
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $STATE/registry
		  delete:
		    enabled: true
		http:
		  addr: 127.0.0.1:$REGISTRY_PORT
		  secret: multistage-local-only
	EOF
	OTEL_TRACES_EXPORTER=none OTEL_METRICS_EXPORTER=none \
		start registry "$ENV_REGISTRY_BIN" serve "$STATE/registry.yml"
	wait_for registry 80 curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/"
}

write_buildkitd_config() {
	cat >"$STATE/buildkitd.toml" <<-EOF
		root = "$STATE/buildkitd"
		debug = false

		[grpc]
		  address = ["unix://$STATE/buildkitd.sock", "tcp://127.0.0.1:$BUILDKIT_PORT"]

		[worker.oci]
		  enabled = true
		  snapshotter = "overlayfs"
		  binary = "runc"
		  networkMode = "host"
		  # The state is thrown away with the environment; the default 512 MB
		  # budget for cache mounts would trim the Go build cache after
		  # nearly every build and make each frontend build start cold.
		  gc = false

		[worker.containerd]
		  enabled = false

		[registry."docker.io"]
		  mirrors = ["$REGISTRY"]

		[registry."$REGISTRY"]
		  http = true
		  insecure = true
	EOF
}

cmd_up() {
	local envfile
	envfile=$(env_file_arg "${1:-}")
	if [[ -f $envfile ]]; then
		log "$envfile exists: running down on it first"
		cmd_down "$envfile"
	fi
	if [[ -n ${MULTISTAGE_NO_BUILDX:-} ]]; then
		tools_ensure_buildkit
	else
		tools_ensure
	fi
	set -euo pipefail

	STATE=$(mktemp -d "${TMPDIR:-/tmp}/multistage-env.XXXXXX")
	: >"$STATE/pids"
	# From here on, a failure tears down what was started.
	UP_OK=
	UP_ENVFILE=$envfile
	trap up_exit EXIT
	trap 'exit 130' INT TERM
	# Write the env file early so `down` can find a half-started environment.
	echo "MULTISTAGE_ENV_DIR=$STATE" >"$envfile"

	start_registry
	BUILDKIT_PORT=$(free_port)
	while [[ $BUILDKIT_PORT == "$REGISTRY_PORT" ]]; do BUILDKIT_PORT=$(free_port); done
	BUILDER=multistage-$(basename "$STATE" | tr 'A-Z.' 'a-z-')
	write_buildkitd_config

	# buildkitd makes temporary mount points in TMPDIR: keep them in the state
	# directory too, so teardown finds whatever a killed daemon left mounted.
	mkdir -p "$STATE/tmp"
	# With the registry as docker.io mirror, BuildKit still falls back to
	# registry-1.docker.io when an image is missing there. The proxy
	# variables send any such request to a closed loopback port, so the
	# tests never reach beyond 127.0.0.0/8, whatever a scenario names.
	TMPDIR=$STATE/tmp HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
		NO_PROXY=127.0.0.1,localhost start buildkitd "$BUILDKITD_BIN" --config "$STATE/buildkitd.toml"
	wait_for buildkitd 120 bk debug workers

	module_proxy
	if [[ -n ${MULTISTAGE_FRONTEND_HOST_BUILD:-} ]]; then
		compile_frontend_on_host
	fi
	build_base_images
	wait "$MODDL_PID" || {
		cat "$STATE/gomod.log" >&2
		die "go mod download failed"
	}
	build_frontend

	if [[ -z ${MULTISTAGE_NO_BUILDX:-} ]]; then
		buildx_cmd create --name "$BUILDER" --driver remote "tcp://127.0.0.1:$BUILDKIT_PORT" >/dev/null
		echo "$BUILDER" >"$STATE/buildx-builder"
		log "buildx builder $BUILDER"
	else
		BUILDER=
	fi

	cat >"$envfile" <<-EOF
		MULTISTAGE_ENV_DIR=$STATE
		BUILDKIT_HOST=unix://$STATE/buildkitd.sock
		MULTISTAGE_BUILDKIT_TCP=tcp://127.0.0.1:$BUILDKIT_PORT
		MULTISTAGE_REGISTRY=$REGISTRY
		MULTISTAGE_BUILDX_BUILDER=$BUILDER
		BUILDX_BUILDER=$BUILDER
		MULTISTAGE_BUILDKITD=$BUILDKITD_BIN
		MULTISTAGE_FRONTEND_IMAGE=$FRONTEND_IMAGE
		MULTISTAGE_BUILDCTL=$BUILDCTL_BIN
		MULTISTAGE_BUILD_GOPROXY=$BUILD_GOPROXY
		MULTISTAGE_BUILDX="$(command -v docker >/dev/null 2>&1 && echo "docker buildx" || echo "$BUILDX_BIN")"
	EOF
	# A plain `. FILE` exports them too (no `set -a` needed).
	echo "export $(sed -n 's/^\([A-Z_]*\)=.*/\1/p' "$envfile" | tr '\n' ' ')" >>"$envfile"
	UP_OK=1
	log "ready; environment in $envfile"
	echo "$envfile"
}

up_exit() {
	if [[ -z ${UP_OK:-} ]]; then
		log "up failed; tearing down"
		teardown "$STATE"
		rm -f "$UP_ENVFILE"
	fi
}

# teardown STATE_DIR: stop everything listed in STATE_DIR/pids, newest first,
# remove the buildx builder, unmount leftovers, delete the directory.
teardown() {
	local state=$1
	[[ -n $state && -d $state ]] || return 0
	if [[ -f $state/buildx-builder ]]; then
		local t0=$SECONDS
		buildx_cmd rm --force "$(cat "$state/buildx-builder")" >/dev/null 2>&1 || true
		log "removed buildx builder $(cat "$state/buildx-builder") ($((SECONDS - t0))s)"
	fi
	if [[ -f $state/pids ]]; then
		local pid name
		tac "$state/pids" | while read -r pid name; do
			if kill -0 "$pid" 2>/dev/null; then
				kill -TERM "$pid" 2>/dev/null || true
				local i
				for ((i = 0; i < 60; i++)); do
					kill -0 "$pid" 2>/dev/null || break
					sleep 0.25
				done
				if kill -0 "$pid" 2>/dev/null; then
					log "$name (pid $pid) ignored SIGTERM; killing"
					kill -KILL "$pid" 2>/dev/null || true
				fi
				log "stopped $name (pid $pid, $((i / 4))s)"
			fi
		done
	fi
	# A killed buildkitd can leave RUN containers behind (runc's state is in
	# its default root): delete the ones whose bundle is in our state dir.
	if command -v runc >/dev/null 2>&1; then
		local id
		for id in $(runc list -q 2>/dev/null); do
			if runc state "$id" 2>/dev/null | grep -q "\"bundle\": \"$state/"; then
				log "deleting leftover container $id"
				runc delete --force "$id" >/dev/null 2>&1 || true
			fi
		done
	fi
	# buildkitd unmounts on exit, but not when it had to be killed: unmount
	# every mount that lives under the state directory or is backed by it,
	# before deleting it.
	local m
	for m in $(awk -v s="$state/" 'index($5, s) == 1 || index($4, s) == 1 || index($0, "=" s) > 0 {print $5}' /proc/self/mountinfo | sort -ru); do
		umount -l "$m" 2>/dev/null || true
		case $m in "$state"/*) ;; *) rmdir "$m" 2>/dev/null || true ;; esac
	done
	rm -rf "$state"
}

cmd_down() {
	local envfile dir
	envfile=$(env_file_arg "${1:-}")
	if [[ ! -f $envfile ]]; then
		log "no environment file $envfile; nothing to stop"
		return 0
	fi
	dir=$(sed -n 's/^MULTISTAGE_ENV_DIR=//p' "$envfile")
	teardown "$dir"
	rm -f "$envfile"
	log "down"
}

cmd_frontend() {
	local envfile
	envfile=$(env_file_arg "${1:-}")
	[[ -f $envfile ]] || die "no environment file $envfile; run hack/env.sh up"
	STATE=$(sed -n 's/^MULTISTAGE_ENV_DIR=//p' "$envfile")
	REGISTRY=$(sed -n 's/^MULTISTAGE_REGISTRY=//p' "$envfile")
	bk debug workers >/dev/null 2>&1 ||
		die "the buildkitd of $envfile does not answer; run hack/env.sh down, then up"
	BUILD_GOPROXY=$(cat "$STATE/goproxy")
	(cd "$REPO" && go mod download) >"$STATE/gomod.log" 2>&1 || {
		cat "$STATE/gomod.log" >&2
		die "go mod download failed"
	}
	build_frontend
}

# Sourced (hack/demo.sh does), it only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	case ${1:-} in
	up) cmd_up "${2:-}" ;;
	down) cmd_down "${2:-}" ;;
	frontend) cmd_frontend "${2:-}" ;;
	*)
		echo "usage: $0 up|down|frontend [ENV_FILE]" >&2
		exit 2
		;;
	esac
fi
