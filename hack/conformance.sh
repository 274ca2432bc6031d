#!/usr/bin/env bash
# hack/conformance.sh: BuildKit's own Dockerfile integration suite
# (package frontend/dockerfile of the BuildKit module) against a frontend
# image, compared with hack/conformance/expected.txt.
#
#   hack/conformance.sh [ours|upstream] [-run REGEX]
#
#   ours      (default) our image, built from this working tree's Dockerfile
#   upstream  BuildKit's own dockerfile-frontend, built from the module: the
#             control, to tell a broken environment from a failure of ours
#   -run      only the suite's tests whose name matches REGEX (one level,
#             e.g. 'TestCopy.*'); the comparison then covers only those
#
# Every run of ours that goes differently from the list is re-run with the
# upstream image, for exactly the tests that differed, and each is reported
# as ours (upstream passes it) or the environment's (upstream fails it too).
# Any difference fails the script.
#
# It needs a buildkitd to build the images: the one in BUILDKIT_HOST (with
# MULTISTAGE_BUILD_GOPROXY, as hack/env.sh writes them), or a throwaway one
# started here. The suite starts buildkitd daemons of its own, with the
# binaries of hack/tools.sh, and a registry mirror holding busybox and alpine
# made offline (hack/conformance/baseimage). Cached in $MULTISTAGE_TOOLS:
# the suite's test binary and upstream's frontend (buildkit-suite-VERSION),
# the mirror's data (conformance-mirror-HASH) and upstream's image.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=hack/tools.sh
. "$REPO/hack/tools.sh"

EXPECTED=$REPO/hack/conformance/expected.txt
BASEIMAGE=$REPO/hack/conformance/baseimage
SUITE_DIR=$MULTISTAGE_TOOLS/buildkit-suite-$BUILDKIT_VERSION

log() { printf '[conformance] %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# suite_build compiles the suite and upstream's frontend inside one copy of
# the module, so both come from exactly the pinned source.
suite_build() {
	# shellcheck disable=SC2016 # $OUT is expanded by the inner shell
	tools_build_in buildkit-suite "$BUILDKIT_VERSION" github.com/moby/buildkit bash -c '
		go test -c -trimpath -o "$OUT/dockerfile.test" ./frontend/dockerfile &&
		CGO_ENABLED=0 go build -trimpath -o "$OUT/" ./frontend/dockerfile/cmd/dockerfile-frontend'
}

bk() { "$BUILDCTL_BIN" --addr "$BUILDKIT_HOST" "$@"; }

# build_image CONTEXT OUTPUT [buildctl args...]: CONTEXT/Dockerfile through
# BuildKit's builtin frontend.
build_image() {
	local ctx=$1 output=$2 logf
	shift 2
	logf=$WORK/build-$(basename "$ctx")-$RANDOM.log
	bk build --progress=plain --frontend dockerfile.v0 \
		--local context="$ctx" --local dockerfile="$ctx" --output "$output" "$@" >"$logf" 2>&1 || {
		tail -n 40 "$logf" >&2
		die "building $ctx failed (log: $logf)"
	}
}

# mirror_ready prints a directory whose data/ holds the suite's base images,
# built once per recipe and busybox binary.
mirror_ready() {
	local key dir
	key=$( (cat "$BASEIMAGE"/* /bin/busybox) | sha256sum | cut -c1-16)
	dir=$MULTISTAGE_TOOLS/conformance-mirror-$key
	if [[ -f $dir/.complete ]]; then
		echo "$dir"
		return
	fi
	log "building the suite's base images (cached in $dir)"
	local ctx=$WORK/baseimage port
	rm -rf "$dir" && mkdir -p "$dir/data" "$ctx"
	cp "$BASEIMAGE"/* /bin/busybox "$ctx/"
	port=$(free_port)
	cat >"$WORK/mirror-registry.yml" <<-EOF
		version: 0.1
		log: {level: warn, accesslog: {disabled: true}}
		storage: {filesystem: {rootdirectory: $dir/data}}
		http: {addr: "127.0.0.1:$port"}
	EOF
	"$ENV_REGISTRY_BIN" serve "$WORK/mirror-registry.yml" >"$WORK/mirror-registry.log" 2>&1 &
	local rpid=$!
	local i
	for ((i = 0; i < 80; i++)); do
		curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
		sleep 0.25
	done
	build_image "$ctx" "type=image,\"name=localhost:$port/library/busybox:latest,localhost:$port/library/busybox:stable-musl\",push=true" --opt target=busybox
	build_image "$ctx" "type=image,name=localhost:$port/library/alpine:latest,push=true" --opt target=alpine
	# Two groups of the suite mirror one more image each, pinned to content
	# that cannot be had offline, and never run if it is missing. Only one
	# test of each group reads it (both skipped in expected.txt); a busybox
	# under those names lets the rest of the groups run.
	build_image "$ctx" "type=image,\"name=localhost:$port/amd64/debian:bullseye-20230109-slim,localhost:$port/tonistiigi/hellofs:latest\",push=true" --opt target=busybox
	kill "$rpid" && wait "$rpid" 2>/dev/null || true
	touch "$dir/.complete"
	echo "$dir"
}

# frontend_tar ours|upstream prints the path of that frontend image as an
# OCI tar.
frontend_tar() {
	case $1 in
	ours)
		local version
		version=$(cd "$REPO" && git describe --always --dirty 2>/dev/null || echo dev)
		log "building our frontend image from $REPO"
		build_image "$REPO" "type=oci,dest=$WORK/ours.oci.tar" --opt target=release \
			--opt "build-arg:VERSION=$version" --opt "build-arg:GOPROXY=${MULTISTAGE_BUILD_GOPROXY:-}" \
			--opt build-arg:GOSUMDB=off
		echo "$WORK/ours.oci.tar"
		;;
	upstream)
		local tar=$SUITE_DIR/upstream.oci.tar
		if [[ ! -f $tar ]]; then
			log "building upstream's dockerfile-frontend image (cached in $tar)"
			local ctx=$WORK/upstream-image
			mkdir -p "$ctx"
			cp "$SUITE_DIR/dockerfile-frontend" "$ctx/"
			cat >"$ctx/Dockerfile" <<-'EOF'
				FROM scratch
				COPY dockerfile-frontend /bin/dockerfile-frontend
				LABEL moby.buildkit.frontend.network.none="true"
				LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts,moby.buildkit.frontend.gitquerystring,moby.buildkit.frontend.contexts.zstd"
				ENTRYPOINT ["/bin/dockerfile-frontend"]
			EOF
			build_image "$ctx" "type=oci,dest=$tar.part"
			mv "$tar.part" "$tar"
		fi
		echo "$tar"
		;;
	*) die "unknown frontend $1 (ours or upstream)" ;;
	esac
}

# expected_names OUTCOME: the tests the list gives that outcome.
expected_names() {
	awk -v o="$1" '!/^[[:space:]]*(#|$)/ && $2 == o {print $1}' "$EXPECTED"
}

join_re() { paste -sd'|' -; }

# run_suite TAR NAME RUN_RE: run the suite (tests matching RUN_RE, minus the
# skip list) with the frontend in TAR; the outcomes go to $WORK/NAME.results
# as "Test PASS|FAIL|SKIP" lines, the whole log to $WORK/NAME.log.
run_suite() {
	local tar=$1 name=$2 run_re=$3 mirror=$WORK/mirror-$2 skip
	rm -rf "$mirror" && mkdir -p "$mirror" && cp -a "$MIRROR/data" "$mirror/"
	skip=$(expected_names skip | join_re)
	# The suite's daemons put unix sockets under TMPDIR: keep the path short
	# (108 bytes at most), or ssh agent sockets fail to bind.
	local rundir
	rundir=$(mktemp -d /tmp/bkc.XXXXXX)
	RUNDIRS+=("$rundir")
	local start=$SECONDS rc=0 pid
	log "running the suite against $name ($tar)"
	(
		cd "$rundir"
		unset FRONTEND_BUILTIN_ONLY FRONTEND_CLIENT_ONLY BUILDKIT_HOST
		export PATH=$BUILDKIT_DIR:$WORK/bin:$PATH \
			FRONTEND_GATEWAY_ONLY=local:$tar \
			BUILDKIT_REGISTRY_MIRROR_DIR=$mirror \
			TMPDIR=$rundir
		exec "$SUITE_DIR/dockerfile.test" -test.v -test.timeout 40m \
			-test.run "TestIntegration/^($run_re)\$/worker=oci\$" \
			${skip:+-test.skip "TestIntegration/^($skip)\$"}
	) >"$WORK/$name.log" 2>&1 &
	pid=$!
	SUITE_PID=$pid
	report_progress "$pid" "$name" "$WORK/$name.log" "$start"
	wait "$pid" || rc=$?
	SUITE_PID=
	outcomes <"$WORK/$name.log" >"$WORK/$name.results"
	log "$name: $(summary "$WORK/$name.results") in $((SECONDS - start))s (suite exit $rc)"
	if [[ ! -s $WORK/$name.results ]]; then
		tail -n 40 "$WORK/$name.log" >&2
		die "the suite ran no test against $name (log: $WORK/$name.log)"
	fi
}

# report_progress PID NAME LOG START: every 30 s while PID runs, how many
# of the suite's tests have started. `go test -v` prints a parallel
# subtest's PASS or FAIL only when its parent ends, so the outcomes come at
# the end; but every test says PAUSE when it is queued and CONT when it
# starts running, at most a few at a time.
report_progress() {
	local pid=$1 name=$2 log_file=$3 start=$4 next=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if ((SECONDS >= next)); then
			log "$name: $(started_tests CONT <"$log_file") of $(started_tests PAUSE <"$log_file") tests started after $((SECONDS - start))s"
			next=$((SECONDS + 30))
		fi
	done
}

# started_tests PAUSE|CONT: how many of the suite's tests printed that word.
started_tests() {
	{ grep -E "^=== $1 +TestIntegration/[^ /]+/worker=oci/frontend=" || true; } | sort -u | wc -l
}

# outcomes reads `go test -v` output and prints "Test[/matrix=value...]
# PASS|FAIL|SKIP" for each test of the suite, without its subtests. The
# worker and frontend levels are the same for every test and left out; the
# other matrix levels are the suite's (env, network.host, security.insecure).
outcomes() {
	awk '
		match($0, /^ *--- (PASS|FAIL|SKIP): TestIntegration\/[^ ]+/) {
			split(substr($0, RSTART, RLENGTH), f, " ")
			n = split(f[3], part, "/")
			if (n < 3 || part[3] != "worker=oci") next
			key = part[2]
			for (i = 4; i <= n; i++) {
				if (part[i] !~ /^(frontend|env|network\.host|security\.insecure)=[a-z]+$/) next
				if (part[i] !~ /^frontend=/) key = key "/" part[i]
			}
			sub(/:$/, "", f[2])
			print key, f[2]
		}' | sort -u
}

summary() {
	awk '{n[$2]++} END {printf "%d passed, %d failed, %d skipped\n", n["PASS"], n["FAIL"], n["SKIP"]}' "$1"
}

# deviations RESULTS: tests whose outcome differs from the list, as
# "Test got expected" lines. A test the list does not name must pass (or be
# skipped by the suite itself); a test listed as fail must fail. The list
# names a test, or one matrix variant of it (Test/key=value). A deliberate
# deviation ("deviate") must fail with ours and pass with upstream's image.
deviations() {
	awk -v frontend="$2" '
		NR == FNR {
			if ($0 ~ /^[[:space:]]*(#|$)/) next
			want[$1] = $2
			if ($2 == "deviate") want[$1] = (frontend == "ours") ? "fail" : "pass"
			next
		}
		{
			split($1, key, "/")
			w = ($1 in want) ? want[$1] : ((key[1] in want) ? want[key[1]] : "pass")
			got = tolower($2)
			if (got == "skip" && w != "fail") next
			if (got != w) print $1, got, w
		}' "$EXPECTED" "$1"
}

main() {
	local which=ours run_re='Test[A-Za-z0-9_]+'
	while (($#)); do
		case $1 in
		ours | upstream) which=$1 ;;
		-run) run_re=$2; shift ;;
		*) die "usage: hack/conformance.sh [ours|upstream] [-run REGEX]" ;;
		esac
		shift
	done
	local start=$SECONDS
	tools_ensure
	suite_build
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/multistage-conformance.XXXXXX")
	# The suite starts a binary named registry: Debian's, under that name.
	mkdir "$WORK/bin"
	ln -s "$ENV_REGISTRY_BIN" "$WORK/bin/registry"
	if [[ -z ${BUILDKIT_HOST:-} ]]; then
		log "no BUILDKIT_HOST: starting a throwaway environment"
		local envfile=$WORK/env
		"$REPO/hack/env.sh" up "$envfile" >/dev/null
		set -a
		# shellcheck disable=SC1090
		. "$envfile"
		set +a
	fi
	MIRROR=$(mirror_ready)

	local tar
	tar=$(frontend_tar "$which")
	run_suite "$tar" "$which" "$run_re"
	local dev
	dev=$(deviations "$WORK/$which.results" "$which")
	if [[ -z $dev ]]; then
		log "all outcomes as expected ($EXPECTED); total $((SECONDS - start))s"
		return 0
	fi
	log "outcomes that differ from $EXPECTED (test, got, expected):"
	sed 's/^/  /' <<<"$dev" >&2
	if [[ $which == ours ]]; then
		control "$dev"
	fi
	log "logs: $WORK/$which.log"
	return 1
}

# control DEVIATIONS re-runs the deviating tests with upstream's image.
control() {
	local names
	names=$(awk '{split($1, key, "/"); print key[1]}' <<<"$1" | sort -u | join_re)
	local tar
	tar=$(frontend_tar upstream)
	run_suite "$tar" upstream "$names"
	local name got up
	while read -r name got _; do
		up=$(awk -v n="$name" '$1 == n {print tolower($2)}' "$WORK/upstream.results")
		if [[ $up == "$got" ]]; then
			log "  $name: upstream's image gives $up too: the environment, not ours"
		else
			log "  $name: ours $got, upstream's image ${up:-not run}: ours to fix"
		fi
	done <<<"$1"
}

RUNDIRS=()
# SUITE_PID is the suite while it runs in the background: an interrupted
# run stops it (and so its daemons) before removing what it uses.
SUITE_PID=
cleanup() {
	if [[ -n $SUITE_PID ]]; then
		kill -TERM "$SUITE_PID" 2>/dev/null || true
		wait "$SUITE_PID" 2>/dev/null || true
	fi
	if [[ -f ${WORK:-}/env ]]; then
		"$REPO/hack/env.sh" down "$WORK/env" >/dev/null 2>&1 || true
	fi
	# The suite's daemons leave overlay mounts behind when killed.
	local d
	for d in "${RUNDIRS[@]}"; do
		grep -o " $d/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
		rm -rf "$d" 2>/dev/null || true
	done
	# The work directory (image tars, mirror copies, logs) is kept only
	# when something went wrong, for its logs.
	if ((status == 0)) && [[ -n ${WORK:-} ]]; then
		rm -rf "$WORK"
	fi
}
trap 'status=$?; cleanup' EXIT
trap 'exit 130' INT TERM

main "$@"
