package dockerfile2llb_test

import (
	"bufio"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	capspb "github.com/moby/buildkit/util/apicaps/pb"
	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// daemonCaps is the capability set a daemon reports: a release's list from
// testdata/caps, or every current capability but the ones in without.
func daemonCaps(t *testing.T, release string, without ...apicaps.CapID) *apicaps.CapSet {
	t.Helper()
	var ids []apicaps.CapID
	if release != "" {
		f, err := os.Open(filepath.Join("testdata", "caps", release+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				ids = append(ids, apicaps.CapID(l))
			}
		}
	} else {
		for _, c := range pb.Caps.All() {
			ids = append(ids, apicaps.CapID(c.ID))
		}
	}
	var reported []*capspb.APICap
	for _, id := range ids {
		if !slices.Contains(without, id) {
			reported = append(reported, &capspb.APICap{ID: string(id), Enabled: true})
		}
	}
	set := pb.Caps.CapSet(reported)
	return &set
}

// TestDaemonCaps converts for a daemon that lacks capabilities: a
// Dockerfile that needs one fails before anything is built, naming the
// syntax, its line and the release that added it; one that needs none of
// them converts.
func TestDaemonCaps(t *testing.T) {
	cases := []struct {
		name    string
		df      string
		release string          // testdata/caps/<release>.txt, or
		without []apicaps.CapID // every capability but these
		want    []string        // substrings of the error; none: converts
		lines   []int
		args    map[string]string
	}{
		{name: "old-features-on-v0.12.5", release: "v0.12.5",
			df: "FROM alpine AS build\nRUN --mount=type=cache,target=/c --mount=type=secret,id=s true\nFROM alpine\nCOPY --link --chmod=0755 --from=build /c /c\nCOPY --exclude=*.md . /src\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/f /f"},
		{name: "chmod-symbolic-on-v0.12.5", release: "v0.12.5",
			df:    "FROM alpine\nCOPY --chmod=u+x run.sh /run.sh",
			want:  []string{"COPY/ADD --chmod with a symbolic mode (u+x) is not supported by this BuildKit daemon: it needs BuildKit v0.17.0 or newer (LLB capability file.copy.modestring)", "or use an octal mode"},
			lines: []int{2}},
		{name: "parents-on-v0.23.2", release: "v0.23.2",
			df:    "FROM alpine\nCOPY --parents src/a/go.mod /out/",
			want:  []string{"COPY --parents of a path without wildcards is not supported by this BuildKit daemon: it needs BuildKit v0.26.0"},
			lines: []int{2}},
		{name: "parents-wildcard-on-v0.23.2", release: "v0.23.2",
			df: "FROM alpine\nCOPY --parents src/*/go.mod /out/"},
		{name: "git-checksum", without: []apicaps.CapID{pb.CapSourceGitChecksum},
			df:    "FROM alpine\nRUN true\nADD --checksum=0123456789abcdef0123456789abcdef01234567 https://github.com/moby/buildkit.git#v0.34.2 /src",
			want:  []string{"ADD --checksum of a Git URL is not supported by this BuildKit daemon: it needs BuildKit v0.22.0"},
			lines: []int{3}},
		{name: "earliest-line-of-a-needed-stage", without: []apicaps.CapID{pb.CapExecSecretEnv, pb.CapMergeOp},
			df:    "FROM alpine AS unused\nCOPY --link a /a\nFROM alpine AS dep\nRUN --mount=type=secret,id=t,env=T true\nFROM alpine\nCOPY --link --from=dep / /",
			want:  []string{"RUN --mount=type=secret,env= is not supported by this BuildKit daemon: it needs BuildKit v0.10.0", "or mount the secret as a file"},
			lines: []int{4}},
		{name: "off-path-stage-not-built", release: "v0.12.5",
			df: "FROM alpine AS check\nCOPY --chmod=u+x run.sh /run.sh\nFROM alpine\nRUN true"},
		{name: "off-path-stage-under-build-all", release: "v0.12.5", args: map[string]string{"MULTISTAGE_BUILD_ALL": "1"},
			df:    "FROM alpine AS check\nCOPY --chmod=u+x run.sh /run.sh\nFROM alpine\nRUN true",
			want:  []string{"COPY/ADD --chmod with a symbolic mode (u+x) is not supported by this BuildKit daemon: it needs BuildKit v0.17.0 or newer"},
			lines: []int{2}},
		{name: "capability-outside-the-table", without: []apicaps.CapID{pb.CapSourceLocal},
			df:   "FROM alpine\nCOPY a /a",
			want: []string{"this BuildKit daemon lacks the LLB capability source.local that the build needs; upgrade BuildKit"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			caps := daemonCaps(t, tc.release, tc.without...)
			cfg := dockerui.Config{BuildArgs: map[string]string{}}
			maps.Copy(cfg.BuildArgs, tc.args)
			sm := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", []byte(tc.df))
			_, err := ours.Convert(context.Background(), []byte(tc.df), ours.ConvertOpt{
				Config: cfg, SourceMap: sm, MetaResolver: fakeresolver.New(), LLBCaps: caps,
			})
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("conversion failed: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("converted; want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			if got := errorLines(err); !slices.Equal(got, tc.lines) {
				t.Errorf("error names lines %v, want %v", got, tc.lines)
			}
		})
	}
}
