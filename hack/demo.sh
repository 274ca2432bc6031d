#!/usr/bin/env bash
# hack/demo.sh: the product on the daemon most users have. examples/hello,
# whose first line is `# syntax=myorg/multistage:1`, is built by Docker
# Engine with the frontend image compiled from this working tree, then run:
# it prints "hello, world".
#
# Why Docker Engine rather than a buildkitd of our own: a cold run must show
# the product in two minutes on 2 cores, and compiling buildkitd takes
# longer than that by itself (589 s of the 13 min 41 s cold run issue 19
# reports). Debian's docker.io (dockerd 20.10, the engine
# integration/dockerengine_test.go builds on too) starts in about a second
# and has BuildKit inside, and its docker CLI (/usr/bin/docker, 20.10) runs
# BuildKit builds itself, with no buildx plugin: the only compile left is
# the frontend's own. buildkitd, buildctl and buildx stay the tests'
# business (hack/test.sh). The docker found first on PATH may be another
# (this machine's /usr/local/bin/docker is 28.2, which refuses BuildKit
# builds without buildx), so the demo names Debian's. Measured on 6 December
# 2026 on 2 cores at load 3 to 5: "hello, world" after 67 s with empty Go
# build and tool caches (57 s of it compiling the frontend), 69 s with an
# empty module cache too, 40 s warm (load 9 to 11).
#
# All on 127.0.0.1 and under one temporary directory:
#   1. apt-get installs what is missing (docker.io, docker-registry,
#      busybox-static...; no service is started or enabled: hack/tools.sh);
#   2. compiles the frontend with the host's Go, in the background (saying
#      how many packages are done every 15 s);
#   3. starts a registry and a dockerd whose registry mirror it is, with no
#      network of its own (no bridge, no iptables: builds and containers use
#      the host's), its state and sockets in the temporary directory;
#   4. imports golang:1.26 into the engine: this machine's Go toolchain on
#      Debian's static busybox, as one `docker import` (no build);
#   5. builds the frontend image (the Dockerfile's release stage around the
#      binary) and pushes it to the registry as myorg/multistage:1;
#   6. `docker build`s examples/hello: the syntax line makes the engine's
#      BuildKit pull myorg/multistage:1 through the mirror and hand it the
#      build;
#   7. `docker run`s the image: "hello, world";
#   8. on exit, stops dockerd (and its containerd), the registry and any
#      compile still running, by PID, and deletes the directory.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
# shellcheck source=hack/env.sh
. hack/env.sh
demo_start=$SECONDS
log() { printf '[demo %3ds] %s\n' "$((SECONDS - demo_start))" "$*" >&2; }
tools_log() { log "$@"; }
die() {
	log "error: $*"
	exit 1
}

STATE=
HOSTBUILD_PID=
demo_teardown() {
	local containerd=
	log "tearing down: stopping dockerd, containerd, the registry and any compile by PID; deleting $STATE"
	if [[ -n $HOSTBUILD_PID ]] && kill -0 "$HOSTBUILD_PID" 2>/dev/null; then
		# A process group of its own: the go command and its compilers.
		kill -- "-$HOSTBUILD_PID" 2>/dev/null || true
		wait "$HOSTBUILD_PID" 2>/dev/null || true
	fi
	if [[ -f $STATE/exec/containerd/containerd.pid ]]; then
		containerd=$(cat "$STATE/exec/containerd/containerd.pid")
	fi
	# dockerd stops its containerd itself; kill it only if it outlives dockerd.
	teardown "$STATE"
	if [[ -n $containerd ]] && kill -0 "$containerd" 2>/dev/null; then
		kill -TERM "$containerd" 2>/dev/null || true
		log "stopped containerd (pid $containerd)"
	fi
	log "torn down"
}

# docker runs Debian's docker CLI against the demo's engine only, with
# BuildKit builds.
docker() {
	DOCKER_HOST=unix://$STATE/docker.sock DOCKER_CONFIG=$STATE/docker-config DOCKER_BUILDKIT=1 \
		/usr/bin/docker "$@"
}

start_dockerd() {
	start dockerd /usr/sbin/dockerd \
		--host "unix://$STATE/docker.sock" \
		--data-root "$STATE/data" --exec-root "$STATE/exec" --pidfile "$STATE/dockerd.pid" \
		--registry-mirror "http://$REGISTRY" --insecure-registry "$REGISTRY" \
		--iptables=false --ip6tables=false --bridge=none --ip-masq=false
	wait_for dockerd 240 docker version
	log "dockerd $(docker version --format '{{.Server.Version}}') is up"
}

# import_golang puts golang:1.26 in the engine's image store, where the
# engine's BuildKit finds `FROM golang:1.26` without pulling: one layer
# holding busybox, the CA bundle and this machine's Go toolchain.
import_golang() {
	local root=$STATE/golang-root applet
	mkdir -p "$root/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/root" "$root/go/src" "$root/go/bin"
	cp /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
	done
	cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	chmod 1777 "$root/tmp" "$root/go" "$root/go/src" "$root/go/bin"
	local goroot
	goroot=$(go env GOROOT)
	tar -c -C "$root" . -C "$(dirname "$goroot")" --transform "s,^$(basename "$goroot")\(/\|\$\),usr/local/go\1," "$(basename "$goroot")" |
		docker import \
			-c "ENV GOLANG_VERSION=$(go env GOVERSION | sed 's/^go//') GOTOOLCHAIN=local GOPATH=/go" \
			-c 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			-c 'WORKDIR /go' -c 'CMD ["sh"]' - golang:1.26 >/dev/null
}

# push_frontend builds the Dockerfile's release stage with the host-built
# binary standing in for its build stage, and pushes it.
push_frontend() {
	local ctx=$STATE/frontend-image name=$REGISTRY/myorg/multistage:1
	mkdir -p "$ctx"
	cp "$STATE/hostbuild/out/frontend" "$ctx/"
	{
		printf 'FROM scratch AS build\nCOPY frontend /out/frontend\n'
		sed -n '/^FROM scratch AS release$/,$p' Dockerfile
	} >"$ctx/Dockerfile"
	grep -q '^COPY --from=build /out/frontend ' "$ctx/Dockerfile" ||
		die "the Dockerfile's release stage no longer copies /out/frontend from build; update push_frontend"
	{ docker build --progress=plain --tag "$name" "$ctx" && docker push "$name"; } >"$STATE/frontend-image.log" 2>&1 || {
		tail -n 30 "$STATE/frontend-image.log" >&2
		die "building or pushing the frontend image failed (log: $STATE/frontend-image.log)"
	}
}

main() {
	command -v go >/dev/null || die "go is required on PATH"
	tools_apt
	STATE=$(mktemp -d "${TMPDIR:-/tmp}/multistage-demo.XXXXXX")
	: >"$STATE/pids"
	trap demo_teardown EXIT
	trap 'exit 130' INT TERM

	# A process group of its own, so teardown can stop the compilers too.
	set -m
	compile_frontend_on_host
	set +m
	start_registry
	start_dockerd
	log "importing golang:1.26 into the engine (this machine's Go toolchain on busybox)"
	import_golang
	log "golang:1.26 imported; waiting for the compile"
	wait "$HOSTBUILD_PID" || die "compiling the frontend failed (log: $STATE/hostbuild.log)"
	log "building the frontend image on the engine and pushing it as $REGISTRY/myorg/multistage:1"
	push_frontend
	log "docker build examples/hello, whose first line is $(head -n1 examples/hello/Dockerfile)"
	docker build --progress=plain --network host --tag multistage-demo-hello examples/hello
	log "docker run multistage-demo-hello:"
	docker run --rm --network host multistage-demo-hello
	log "done"
}

main "$@"
