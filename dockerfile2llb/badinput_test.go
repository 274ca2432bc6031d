package dockerfile2llb_test

import (
	"slices"
	"strings"
	"testing"
)

// badInput is a Dockerfile (and options) that must not convert.
type badInput struct {
	name string
	df   string
	args map[string]string // build args
	// want is a substring of the error: what is wrong and, where the
	// library's own message does not say it, the fix.
	want string
	// lines are the Dockerfile lines the error must name, exactly; none
	// for an error in an option rather than in the Dockerfile.
	lines []int
	// stricter: upstream converts this; ours refuses on purpose.
	stricter bool
}

var badInputs = []badInput{
	// RUN --mount
	{name: "mount-type-unknown", df: "FROM alpine\nRUN --mount=type=bogus,target=/x true", want: `unsupported mount type "bogus"; use type=bind, cache, tmpfs, secret or ssh`, lines: []int{2}},
	{name: "mount-empty", df: "FROM alpine\nRUN --mount= true", want: "write --mount=type=TYPE,target=PATH", lines: []int{2}},
	{name: "mount-unknown-key", df: "FROM alpine\nRUN --mount=type=bind,foo=bar,target=/x true", want: "unexpected key 'foo' in 'foo=bar' (did you mean from?)", lines: []int{2}},
	{name: "mount-cache-no-target", df: "FROM alpine\nRUN --mount=type=cache true", want: "target= is missing", lines: []int{2}},
	{name: "mount-tmpfs-no-target", df: "FROM alpine\nRUN --mount=type=tmpfs,size=1m true", want: "target= is missing", lines: []int{2}},
	{name: "mount-bind-target-root", df: "FROM alpine\nRUN --mount=type=bind,target=/ true", want: `invalid mount target "/"; it would hide the whole filesystem: mount somewhere below /`, lines: []int{2}},
	{name: "mount-sharing-unknown", df: "FROM alpine\nRUN --mount=type=cache,target=/c,sharing=weird true", want: "use sharing=shared, private or locked", lines: []int{2}},
	{name: "mount-sharing-on-bind", df: "FROM alpine\nRUN --mount=type=bind,target=/c,sharing=locked true", want: "invalid cache sharing set for bind mount", lines: []int{2}},
	{name: "mount-mode-not-octal", df: "FROM alpine\nRUN --mount=type=cache,target=/c,mode=abc true", want: "invalid value abc for mode; mode is an octal permission", lines: []int{2}},
	{name: "mount-mode-on-bind", df: "FROM alpine\nRUN --mount=type=bind,target=/c,mode=0755 true", want: `mode not allowed for "bind" type mounts`, lines: []int{2}},
	{name: "mount-uid-not-number", df: "FROM alpine\nRUN --mount=type=secret,id=a,uid=x true", want: "invalid value x for uid; uid and gid are numeric ids", lines: []int{2}},
	{name: "mount-gid-negative", df: "FROM alpine\nRUN --mount=type=ssh,gid=-1 true", want: "invalid value -1 for gid", lines: []int{2}},
	{name: "mount-required-not-bool", df: "FROM alpine\nRUN --mount=type=secret,id=a,required=maybe true", want: "invalid value for required: maybe; use true or false", lines: []int{2}},
	{name: "mount-rw-not-bool", df: "FROM alpine\nRUN --mount=type=bind,target=/x,rw=maybe true", want: "invalid value for rw: maybe; use true or false", lines: []int{2}},
	{name: "mount-tmpfs-size", df: "FROM alpine\nRUN --mount=type=tmpfs,target=/t,size=huge true", want: "size is a number of bytes, or one with a unit such as 64m", lines: []int{2}},
	{name: "mount-ssh-source", df: "FROM alpine\nRUN --mount=type=ssh,source=x true", want: "ssh mounts take no source=", lines: []int{2}},
	{name: "mount-secret-no-id", df: "FROM alpine\nRUN --mount=type=secret,env=X true", want: "invalid secret mount. one of source, target required", lines: []int{2}},
	{name: "mount-secret-from", df: "FROM alpine AS build\nFROM alpine\nRUN --mount=type=secret,id=x,from=build true", want: "secret mount should not have a from", lines: []int{3}},
	{name: "mount-secret-source-and-id", df: "FROM alpine\nRUN --mount=type=secret,id=a,source=b true", want: "both source and id can't be set", lines: []int{2}},
	{name: "mount-from-bad-index", df: "FROM alpine\nRUN --mount=from=1,target=/x true", want: "invalid stage index 1", lines: []int{2}, stricter: true},
	{name: "mount-from-image-not-found", df: "FROM alpine\nRUN --mount=from=doesnotexist,target=/x true", want: "doesnotexist", lines: []int{2}},
	{name: "mount-target-required-var", df: "FROM alpine\nRUN --mount=type=cache,target=${T:?set_T} true", want: "T: set_T", lines: []int{2}},

	// RUN --network, --security, flags and heredocs
	{name: "run-network-unknown", df: "FROM alpine\nRUN --network=bridge true", want: `invalid network mode "bridge"; use --network=default, none or host`, lines: []int{2}},
	{name: "run-network-empty", df: "FROM alpine\nRUN --network= true", want: "use --network=default, none or host", lines: []int{2}},
	{name: "run-security-unknown", df: "FROM alpine\nRUN --security=privileged true", want: `security "privileged" is not valid; use --security=sandbox or insecure`, lines: []int{2}},
	{name: "run-unknown-flag", df: "FROM alpine\nRUN --unknown=1 true", want: "unknown flag: --unknown", lines: []int{2}},
	{name: "run-heredoc-unterminated", df: "FROM alpine\nRUN <<EOF\necho hi", want: "unterminated heredoc", lines: []int{2, 3}},
	{name: "copy-heredoc-no-dest", df: "FROM alpine\nCOPY <<EOF\nhi\nEOF", want: "COPY requires at least two arguments", lines: []int{2, 3, 4}},

	// COPY and ADD flags
	{name: "chmod-out-of-range", df: "FROM alpine\nCOPY --chmod=999 a /a", want: "invalid chmod parameter: '999'", lines: []int{2}},
	{name: "chmod-hex", df: "FROM alpine\nADD --chmod=0x755 a /a", want: "invalid chmod parameter: '0x755'", lines: []int{2}},
	{name: "chmod-symbolic-bad", df: "FROM alpine\nCOPY --chmod=u+q a /a", want: "invalid syntax; --chmod=u+q: use an octal mode such as 0755 or a symbolic one", lines: []int{2}},
	{name: "chown-name-with-link", df: "FROM alpine\nCOPY --link --chown=app a /a", want: "--chown=app: user and group names can't be resolved when used with --link, use numeric uid[:gid] instead; a --link layer has no /etc/passwd", lines: []int{2}},
	{name: "chown-group-name-with-link", df: "FROM alpine\nADD --link --chown=1000:staff https://example.com/f /f", want: "use numeric uid[:gid]", lines: []int{2}},
	{name: "link-not-bool", df: "FROM alpine\nCOPY --link=maybe a /a", want: "expecting boolean value for flag --link, not: maybe", lines: []int{2}},
	{name: "parents-not-bool", df: "FROM alpine\nCOPY --parents=maybe a /a", want: "expecting boolean value for flag --parents", lines: []int{2}},
	{name: "unpack-not-bool", df: "FROM alpine\nADD --unpack=maybe a.tar /a", want: "expecting boolean value for flag --unpack", lines: []int{2}},
	{name: "checksum-on-copy", df: "FROM alpine\nCOPY --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d a /a", want: "unknown flag: --checksum", lines: []int{2}},
	{name: "checksum-local-file", df: "FROM alpine\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d local.txt /x", want: "--checksum needs an HTTP(S) or git source", lines: []int{2}},
	{name: "checksum-algorithm", df: "FROM alpine\nADD --checksum=md5:xyz https://example.com/f /f", want: "unsupported digest algorithm; in --checksum=md5:xyz", lines: []int{2}},
	{name: "checksum-length", df: "FROM alpine\nADD --checksum=sha256:abc https://example.com/f /f", want: "invalid checksum digest length", lines: []int{2}},
	{name: "checksum-several-sources", df: "FROM alpine\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a https://example.com/b /d/", want: "--checksum needs exactly one source", lines: []int{2}},
	{name: "copy-url", df: "FROM alpine\nCOPY https://example.com/f /f", want: "source can't be a URL for COPY; use ADD https://example.com/f", lines: []int{2}},
	{name: "copy-git", df: "FROM alpine\nCOPY https://github.com/moby/buildkit.git /src", want: "source can't be a git ref for COPY; use ADD https://github.com/moby/buildkit.git", lines: []int{2}},
	{name: "git-ref-conflict", df: "FROM alpine\nADD https://github.com/moby/buildkit.git?ref=main#other /src", want: `ref conflicts: "other" vs "main"`, lines: []int{2}},
	{name: "git-keep-dir-conflict", df: "FROM alpine\nADD --keep-git-dir=false https://github.com/moby/buildkit.git?keep-git-dir=true /src", want: "--keep-git-dir and the keep-git-dir query parameter disagree", lines: []int{2}},
	{name: "git-checksum-conflict", df: "FROM alpine\nADD --checksum=deadbeef https://github.com/moby/buildkit.git?checksum=cafebabe /src", want: "--checksum=deadbeef and the checksum in the URL (cafebabe) disagree", lines: []int{2}},
	{name: "copy-no-dest", df: "FROM alpine\nCOPY a", want: "COPY requires at least two arguments", lines: []int{2}},
	{name: "copy-from-bad-index", df: "FROM alpine\nFROM alpine\nCOPY --from=5 /a /a", want: "invalid stage index 5", lines: []int{3}},
	{name: "copy-from-image-not-found", df: "FROM alpine\nCOPY --from=doesnotexist:1 /a /a", want: "doesnotexist:1", lines: []int{2}},
	{name: "copy-chown-required-var", df: "FROM alpine\nCOPY --chown=${U:?no_user} a /a", want: "U: no_user", lines: []int{2}},

	// FROM
	{name: "from-platform-invalid", df: "FROM --platform=linux/amd64/v9/x alpine", want: "linux/amd64/v9/x", lines: []int{1}},
	{name: "from-platform-empty", df: "FROM --platform=$UNSET alpine", want: "UNSET is not set", lines: []int{1}},
	{name: "from-unknown-flag", df: "FROM --bogus=1 alpine", want: "unknown flag: --bogus", lines: []int{1}},
	{name: "from-stage-name", df: "FROM alpine AS 1bad", want: `invalid name for build stage: "1bad"`, lines: []int{1}},
	{name: "from-words", df: "FROM alpine AS a AS b", want: "FROM requires either one or three arguments", lines: []int{1}},
	{name: "from-image-not-found", df: "FROM doesnotexist", want: "doesnotexist", lines: []int{1}},
	{name: "from-required-var", df: "FROM ${IMG:?give_IMG}", want: "IMG: give_IMG", lines: []int{1}},

	// Metadata instructions
	{name: "expose-protocol", df: "FROM alpine\nEXPOSE 80/xyz", want: `invalid port: "80/xyz": invalid proto: xyz; the protocol is tcp, udp or sctp`, lines: []int{2}},
	{name: "expose-not-number", df: "FROM alpine\nEXPOSE abc", want: `invalid containerPort: abc; in port "abc"`, lines: []int{2}},
	{name: "expose-out-of-range", df: "FROM alpine\nEXPOSE 70000", want: `invalid containerPort: 70000; in port "70000": "70000" is not a port number`, lines: []int{2}},
	{name: "expose-range-reversed", df: "FROM alpine\nEXPOSE 80-70", want: "not a valid port range", lines: []int{2}},
	{name: "volume-empty-json", df: "FROM alpine\nVOLUME []", want: "VOLUME requires at least one argument", lines: []int{2}},
	{name: "volume-empty-string", df: "FROM alpine\nVOLUME \"\"", want: "VOLUME needs a path", lines: []int{2}},
	{name: "stopsignal-unknown", df: "FROM alpine\nSTOPSIGNAL SIGFOO", want: "invalid signal: SIGFOO", lines: []int{2}},
	{name: "stopsignal-missing", df: "FROM alpine\nSTOPSIGNAL", want: "STOPSIGNAL requires exactly one argument", lines: []int{2}},
	{name: "healthcheck-interval", df: "FROM alpine\nHEALTHCHECK --interval=abc CMD true", want: "HEALTHCHECK durations are written like 30s", lines: []int{2}},
	{name: "healthcheck-retries", df: "FROM alpine\nHEALTHCHECK --retries=-1 CMD true", want: "--retries cannot be negative", lines: []int{2}},
	{name: "healthcheck-too-short", df: "FROM alpine\nHEALTHCHECK --timeout=1us CMD true", want: `"timeout" cannot be less than 1ms`, lines: []int{2}},
	{name: "healthcheck-type", df: "FROM alpine\nHEALTHCHECK FOO true", want: `Unknown type "FOO" in HEALTHCHECK (try CMD)`, lines: []int{2}},
	{name: "healthcheck-flag", df: "FROM alpine\nHEALTHCHECK --bogus=1 CMD true", want: "unknown flag: --bogus", lines: []int{2}},
	{name: "healthcheck-no-command", df: "FROM alpine\nHEALTHCHECK CMD", want: "Missing command after HEALTHCHECK CMD", lines: []int{2}},
	{name: "healthcheck-none-args", df: "FROM alpine\nHEALTHCHECK NONE extra", want: "HEALTHCHECK NONE takes no arguments", lines: []int{2}},
	{name: "shell-not-json", df: "FROM alpine\nSHELL echo", want: "SHELL requires the arguments to be in JSON form", lines: []int{2}},
	{name: "label-blank-name", df: "FROM alpine\nLABEL =value", want: "LABEL names can not be blank", lines: []int{2}},
	{name: "user-missing", df: "FROM alpine\nUSER", want: "USER requires exactly one argument", lines: []int{2}},
	{name: "onbuild-onbuild", df: "FROM alpine\nONBUILD ONBUILD RUN x", want: "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", lines: []int{2}},
	{name: "onbuild-from", df: "FROM alpine\nONBUILD FROM alpine", want: "FROM isn't allowed as an ONBUILD trigger", lines: []int{2}},
	{name: "onbuild-trigger-bad-flag", df: "FROM alpine AS base\nONBUILD RUN --network=bogus true\nFROM base", want: `ONBUILD trigger "RUN --network=bogus true"`, lines: []int{2, 3}},

	// Directives, unknown instructions, variables
	{name: "unknown-instruction", df: "FROM alpine\nFOO bar", want: "unknown instruction: FOO (did you mean FROM?)", lines: []int{2}},
	{name: "escape-directive", df: "# escape=xx\nFROM alpine", want: "invalid escape token 'xx'", lines: []int{1}},
	{name: "escape-directive-twice", df: "# escape=`\n# escape=\\\nFROM alpine", want: "only one escape parser directive can be used", lines: []int{2}},
	{name: "source-date-epoch-arg", df: "ARG SOURCE_DATE_EPOCH=yesterday\nFROM alpine", want: `ARG SOURCE_DATE_EPOCH="yesterday" is invalid: it must be a whole number of seconds`, lines: []int{1}},
	// A build arg is an option, so there is no line to name.
	{name: "source-date-epoch-build-arg", df: "FROM alpine", args: map[string]string{"SOURCE_DATE_EPOCH": "1.5"}, want: `the build arg SOURCE_DATE_EPOCH="1.5" is invalid`},
	{name: "source-date-epoch-unknown-name", df: "ARG SOURCE_DATE_EPOCH=nosuchstage\nFROM alpine", want: `invalid SOURCE_DATE_EPOCH: nosuchstage: ARG SOURCE_DATE_EPOCH="nosuchstage" is invalid`, lines: []int{1}},
	{name: "source-date-epoch-stage-copy", df: "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nCOPY a /a\nFROM alpine", want: "SOURCE_DATE_EPOCH stage does not meet source-only requirements: unsupported COPY instruction", lines: []int{1, 2, 3}},
	{name: "source-date-epoch-stage-two-adds", df: "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD https://example.com/a.tar /\nADD https://example.com/b.tar /\nFROM alpine", want: "SOURCE_DATE_EPOCH stage must contain exactly one remote ADD", lines: []int{1, 2, 4}},
	{name: "source-date-epoch-stage-local-add", df: "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD a.tar /\nFROM alpine", want: "SOURCE_DATE_EPOCH stage source must be a single HTTP(S) or Git ADD", lines: []int{1, 2, 3}},
	{name: "source-date-epoch-stage-bad-checksum", df: "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nADD --checksum=nope https://example.com/a.tar /\nFROM alpine", want: "invalid checksum digest format", lines: []int{1, 2, 3}},
	{name: "source-date-epoch-stage-arg-error", df: "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nARG URL=${NOPE:?required}\nADD $URL /\nFROM alpine", want: "NOPE: required", lines: []int{1, 2, 3}},
	{name: "source-date-epoch-stage-not-scratch", df: "ARG SOURCE_DATE_EPOCH=src\nFROM alpine AS src\nADD https://example.com/a.tar /\nFROM alpine", want: "SOURCE_DATE_EPOCH stage must use FROM scratch", lines: []int{1, 2}},
	{name: "arg-unclosed-brace", df: "FROM alpine\nARG X=${Y\nRUN true", want: "a ${ is missing its closing }", lines: []int{2}},
	{name: "global-arg-required-var", df: "ARG A=${B:?B_unset}\nFROM alpine", want: "B: B_unset", lines: []int{1}},
	{name: "env-required-var", df: "FROM alpine\nENV A=${B:?unset}", want: "B: unset", lines: []int{2}},
	{name: "env-bad-substitution", df: "FROM alpine\nENV A=${:-x}", want: "bad substitution", lines: []int{2}},
	{name: "workdir-required-var", df: "FROM alpine\nWORKDIR ${W:?unset}", want: "W: unset", lines: []int{2}},

	// Bytes that are not UTF-8, wherever they are, fail before anything
	// quotes them (protobuf cannot carry them); upstream converts most of
	// these and then fails to marshal, naming no line.
	{name: "utf8-instruction", df: "FROM busybox\nFOO\xff bar\n", want: "dockerfile parse error on line 2: invalid UTF-8 (byte 0xff at column 4)", lines: []int{2}},
	{name: "utf8-run-argument", df: "FROM busybox\nRUN echo \xc3\x28\n", want: "line 2: invalid UTF-8 (byte 0xc3 at column 10)", lines: []int{2}, stricter: true},
	{name: "utf8-flag", df: "FROM busybox\nRUN --mount=type=cache,target=/c\xff true\n", want: "line 2: invalid UTF-8", lines: []int{2}, stricter: true},
	{name: "utf8-heredoc", df: "FROM busybox\nCOPY <<EOF /x\nok\n\xfe\nEOF\n", want: "line 4: invalid UTF-8 (byte 0xfe at column 1)", lines: []int{4}, stricter: true},
	{name: "utf8-comment", df: "FROM busybox\n# caf\xe9\nRUN true\n", want: "line 2: invalid UTF-8 (byte 0xe9 at column 6)", lines: []int{2}, stricter: true},
	{name: "utf8-syntax-directive", df: "# syntax=\xff\nFROM busybox\n", want: "line 1: invalid UTF-8", lines: []int{1}, stricter: true},
	{name: "utf8-escape-directive", df: "# escape=\xff\nFROM busybox\n", want: "line 1: invalid UTF-8", lines: []int{1}},
	{name: "utf8-global-arg", df: "ARG V=\xff\nFROM busybox\n", want: "line 1: invalid UTF-8", lines: []int{1}, stricter: true},
	{name: "utf8-stage-name", df: "FROM busybox AS b\xffd\n", want: "line 1: invalid UTF-8 (byte 0xff at column 18)", lines: []int{1}},
	{name: "utf8-after-multibyte", df: "FROM busybox\nLABEL \u00e9t\u00e9=\xff\n", want: "line 2: invalid UTF-8 (byte 0xff at column 11)", lines: []int{2}, stricter: true},
}

// TestBadInput checks that every bad input fails with a message that says
// what is wrong (and the fix, where the library's message does not) and
// names the Dockerfile lines buildx shows as the snippet. Upstream must
// fail on the same input too, unless the case is marked stricter.
func TestBadInput(t *testing.T) {
	if len(badInputs) < 35 {
		t.Errorf("only %d bad inputs; want at least 35", len(badInputs))
	}
	for _, bi := range badInputs {
		t.Run(bi.name, func(t *testing.T) {
			t.Parallel()
			dc := diffCase{Name: bi.name, Data: []byte(bi.df), Opts: caseOpts{BuildArgs: bi.args}}
			our := runConverter(ourConverter, dc)
			if our.Err == nil {
				t.Fatalf("converted; want an error containing %q on lines %v", bi.want, bi.lines)
			}
			if !strings.Contains(our.Err.Error(), bi.want) {
				t.Errorf("error %q does not contain %q", our.Err, bi.want)
			}
			if got := errorLines(our.Err); !slices.Equal(got, bi.lines) {
				t.Errorf("error names lines %v, want %v: %v", got, bi.lines, our.Err)
			}
			up := runConverter(upstreamConverter, dc)
			switch {
			case up.Err == nil && !bi.stricter:
				t.Errorf("upstream converts this input: not a bad input (or mark it stricter)")
			case up.Err != nil && bi.stricter:
				t.Errorf("upstream rejects this input too (%v): it is not stricter", up.Err)
			case up.Err != nil:
				// Lines are checked above: some of upstream's are off by
				// one (see stages.parseAST).
				if ok, why := wordingMatches(dc.Data, up.Err, our.Err); !ok {
					t.Errorf("%s:\n  upstream: %v\n  ours:     %v", why, up.Err, our.Err)
				}
			}
		})
	}
}
