package dockerfile2llb_test

// The converter with included files: each op's source map, each warning,
// each error and each subrequest answer names the file its line is in,
// with that file's own line numbers.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/internal/fakeresolver"
	"github.com/myorg/multistage/stages"
	digest "github.com/opencontainers/go-digest"

	ours "github.com/myorg/multistage/dockerfile2llb"
)

const goInclude = "# a toolchain\nFROM alpine AS build\nRUN echo built > /out\n"

// includeOpt converts with r as the include reader.
func includeOpt(t *testing.T, dt string, r *fakefiles.Reader) ours.ConvertOpt {
	opt := ours.ConvertOpt{MetaResolver: fakeresolver.New(), LLBCaps: allCaps(), SourceMap: testSourceMap(t, []byte(dt))}
	if r != nil {
		opt.Includes = r.Platformless()
	}
	return opt
}

// opLocations lists "file:line command" for every op with a location.
func opLocations(t *testing.T, st llb.State) []string {
	t.Helper()
	def, err := st.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for dgst, locs := range def.Source.Locations {
		desc := def.Metadata[digest.Digest(dgst)].Description["llb.customname"]
		for _, l := range locs.Locations {
			info := def.Source.Infos[l.SourceIndex]
			lines := strings.Split(string(info.Data), "\n")
			line := int(l.Ranges[0].Start.Line)
			if line < 1 || line > len(lines) {
				t.Fatalf("%s: line %d is outside %s (%d lines)", desc, line, info.Filename, len(lines))
			}
			out = append(out, fmt.Sprintf("%s:%d %s", info.Filename, line, lines[line-1]))
		}
	}
	slices.Sort(out)
	return out
}

func TestIncludeSourceLocations(t *testing.T) {
	cases := []struct {
		name  string
		dt    string
		files []string
		want  []string
	}{{
		name:  "stages of an included file",
		dt:    "INCLUDE docker/go.Dockerfile AS go\nFROM go.build\nRUN echo main\n",
		files: []string{"docker/go.Dockerfile", goInclude},
		want: []string{
			"Dockerfile:3 RUN echo main", // FROM a stage makes no op
			"docker/go.Dockerfile:2 FROM alpine AS build",
			"docker/go.Dockerfile:3 RUN echo built > /out",
		},
	}, {
		name:  "a snippet pasted in a stage",
		dt:    "FROM alpine\nINCLUDE snip.Dockerfile\nRUN echo after\n",
		files: []string{"snip.Dockerfile", "\nRUN echo pasted\n"},
		want: []string{
			"Dockerfile:1 FROM alpine",
			"Dockerfile:3 RUN echo after",
			"snip.Dockerfile:2 RUN echo pasted",
		},
	}, {
		name:  "a file reference",
		dt:    "FROM alpine\nCOPY --from=./docker/go.Dockerfile#build /out /out\n",
		files: []string{"docker/go.Dockerfile", goInclude},
		want: []string{
			"Dockerfile:1 FROM alpine",
			"Dockerfile:2 COPY --from=./docker/go.Dockerfile#build /out /out",
			"docker/go.Dockerfile:2 FROM alpine AS build",
			"docker/go.Dockerfile:3 RUN echo built > /out",
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ours.Convert(context.Background(), []byte(tc.dt), includeOpt(t, tc.dt, fakefiles.New(tc.files...)))
			if err != nil {
				t.Fatal(err)
			}
			got := opLocations(t, res.State)
			if !slices.Equal(got, tc.want) {
				t.Errorf("locations:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestIncludeStageArgReadsItsFilesGlobal(t *testing.T) {
	dt := "ARG V=main\nINCLUDE inc.Dockerfile AS inc\nFROM inc.x\n"
	inc := "ARG V=included\nFROM alpine AS x\nARG V\nRUN echo $V\n"
	res, err := ours.Convert(context.Background(), []byte(dt), includeOpt(t, dt, fakefiles.New("inc.Dockerfile", inc)))
	if err != nil {
		t.Fatal(err)
	}
	def, err := res.State.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, op := range def.Def {
		var p pb.Op
		if err := p.UnmarshalVT(op); err != nil {
			t.Fatal(err)
		}
		if e := p.GetExec(); e != nil {
			found = true
			if env := strings.Join(e.Meta.Env, " "); !strings.Contains(env, "V=included") {
				t.Errorf("RUN env %q: want V=included, the included file's global", env)
			}
		}
	}
	if !found {
		t.Fatal("no RUN op")
	}
}

func TestIncludeWarningsAndErrors(t *testing.T) {
	dt := "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n"
	inc := "FROM alpine AS x\nMAINTAINER me\n"
	opt := includeOpt(t, dt, fakefiles.New("inc.Dockerfile", inc))
	var got []string
	opt.WarnFile = func(src *stages.Source, rule, _, _, _ string, local []parser.Range) {
		got = append(got, fmt.Sprintf("%s:%d %s", src.Name, local[0].Start.Line, rule))
	}
	if _, err := ours.Convert(context.Background(), []byte(dt), opt); err != nil {
		t.Fatal(err)
	}
	if want := []string{"inc.Dockerfile:2 MaintainerDeprecated"}; !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}

	lint, err := ours.Lint(context.Background(), []byte(dt), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(lint.Sources) != 2 || len(lint.Warnings) != 1 {
		t.Fatalf("lint: %d sources, %d warnings; want 2 and 1", len(lint.Sources), len(lint.Warnings))
	}
	w := lint.Warnings[0]
	if src := lint.Sources[w.Location.SourceIndex]; src.Filename != "inc.Dockerfile" || w.Location.Ranges[0].Start.Line != 2 {
		t.Errorf("lint warning at %s:%d, want inc.Dockerfile:2", src.Filename, w.Location.Ranges[0].Start.Line)
	}
}

func TestIncludeErrorNamesItsFile(t *testing.T) {
	dt := "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n"
	inc := "FROM alpine AS x\n\nCOPY --from=nosuch-stage-1 /a /b\nEXPOSE 80/nope\n"
	_, err := ours.Convert(context.Background(), []byte(dt), includeOpt(t, dt, fakefiles.New("inc.Dockerfile", inc)))
	if err == nil {
		t.Fatal("no error")
	}
	var le *parser.LocationError
	files := stages.FilesOf(err)
	if !errors.As(err, &le) || files == nil {
		t.Fatalf("error %q has no location or no files", err)
	}
	src, local := files.Split(le.Locations[0])
	if got := fmt.Sprintf("%s:%d", src.Name, local[0].Start.Line); got != "inc.Dockerfile:4" {
		t.Errorf("error %q at %s, want inc.Dockerfile:4", err, got)
	}
}

func TestIncludeTargetsList(t *testing.T) {
	dt := "INCLUDE docker/go.Dockerfile AS go\nFROM go.build AS api\n"
	l, err := ours.ListTargetsOf(context.Background(), []byte(dt), includeOpt(t, dt, fakefiles.New("docker/go.Dockerfile", goInclude)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range l.Targets {
		got = append(got, fmt.Sprintf("%s src%d:%d default=%v", tg.Name, tg.Location.SourceIndex, tg.Location.Ranges[0].Start.Line, tg.Default))
	}
	want := []string{"go.build src1:2 default=false", "api src0:2 default=true"}
	if !slices.Equal(got, want) || len(l.Sources) != 2 || string(l.Sources[1]) != goInclude {
		t.Errorf("targets %q (%d sources), want %q and the included file as source 1", got, len(l.Sources), want)
	}
}

func TestIncludeWithoutReaderIsUpstreamsError(t *testing.T) {
	dt := "INCLUDE docker/go.Dockerfile AS go\nFROM go.build\n"
	_, err := ours.Convert(context.Background(), []byte(dt), includeOpt(t, dt, nil))
	if err == nil || !strings.Contains(err.Error(), "unknown instruction: INCLUDE") {
		t.Fatalf("error %v, want upstream's unknown instruction", err)
	}
}

// TestNoIncludeNeverReads: a Dockerfile without INCLUDE converts with a
// reader exactly as without one, and the reader is never called.
func TestNoIncludeNeverReads(t *testing.T) {
	dt := "ARG A=1\nFROM alpine AS b\nRUN echo $A\nFROM b\nCOPY --from=b /x /y\n"
	r := fakefiles.New()
	with, err := ours.Convert(context.Background(), []byte(dt), includeOpt(t, dt, r))
	if err != nil {
		t.Fatal(err)
	}
	without, err := ours.Convert(context.Background(), []byte(dt), includeOpt(t, dt, nil))
	if err != nil {
		t.Fatal(err)
	}
	a, b := marshalBytes(t, with.State), marshalBytes(t, without.State)
	if a != b || r.CallCount() != 0 {
		t.Errorf("with a reader: same LLB %v, %d reads; want true, 0", a == b, r.CallCount())
	}
}

func marshalBytes(t *testing.T, st llb.State) string {
	t.Helper()
	def, err := st.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, dt := range def.Def {
		b.Write(dt)
	}
	return b.String()
}

// TestIncludeLintPerFile: rules that compare lines compare them within a
// file: casing majority, duplicate stage names, the ARGs a FROM may use.
func TestIncludeLintPerFile(t *testing.T) {
	cases := []struct {
		name, dt string
		files    []string
		want     []string
	}{{
		name:  "casing majority is the file's",
		dt:    "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\nRUN echo hi\n",
		files: []string{"inc.Dockerfile", "from alpine as x\nARG UNUSED\nrun echo x\n"},
		want:  []string{"inc.Dockerfile:2 ConsistentInstructionCasing"},
	}, {
		name:  "the same stage name in two files",
		dt:    "INCLUDE inc.Dockerfile AS inc\nFROM inc.x AS x\nRUN echo hi\n",
		files: []string{"inc.Dockerfile", "FROM alpine AS x\n"},
	}, {
		name:  "FROM expands in its file's ARGs",
		dt:    "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files: []string{"inc.Dockerfile", "ARG BASE=alpine\nFROM ${BASE} AS x\n"},
	}, {
		name:  "an ARG of the main file is not the included file's",
		dt:    "ARG BASE=alpine\nINCLUDE inc.Dockerfile AS inc\nFROM inc.x\n",
		files: []string{"inc.Dockerfile", "FROM ${BASE} AS x\n"},
		want:  []string{"inc.Dockerfile:1 InvalidDefaultArgInFrom", "inc.Dockerfile:1 UndefinedArgInFrom"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ours.Lint(context.Background(), []byte(tc.dt), includeOpt(t, tc.dt, fakefiles.New(tc.files...)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range res.Warnings {
				got = append(got, fmt.Sprintf("%s:%d %s", res.Sources[w.Location.SourceIndex].Filename, w.Location.Ranges[0].Start.Line, w.RuleName))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings %q, want %q (error: %v)", got, tc.want, res.Error)
			}
		})
	}
}

// TestIncludeOutline: a global ARG of an included file that the target's
// FROM uses is listed with its value and its file.
func TestIncludeOutline(t *testing.T) {
	dt := "ARG BASE=main-base\nINCLUDE inc.Dockerfile AS inc\nFROM inc.x\n"
	inc := "# the base image\nARG BASE=busybox\nFROM ${BASE} AS x\nMAINTAINER me\n"
	opt := includeOpt(t, dt, fakefiles.New("inc.Dockerfile", inc))
	opt.WarnFile = func(_ *stages.Source, rule, _, _, _ string, _ []parser.Range) {
		t.Errorf("the outline sent the build warning %s", rule)
	}
	o, err := ours.Outline(context.Background(), []byte(dt), opt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range o.Args {
		got = append(got, fmt.Sprintf("%s=%s src%d:%d", a.Name, a.Value, a.Location.SourceIndex, a.Location.Ranges[0].Start.Line))
	}
	if want := []string{"BASE=busybox src1:2"}; !slices.Equal(got, want) || len(o.Sources) != 2 {
		t.Errorf("outline args %q with %d sources, want %q and 2", got, len(o.Sources), want)
	}
}

// TestIncludeDeterministic: the same files give byte-identical LLB, and a
// change to an included stage the target does not use changes nothing.
func TestIncludeDeterministic(t *testing.T) {
	dt := "INCLUDE inc.Dockerfile AS inc\nFROM inc.used\nRUN echo main\n"
	inc := "FROM busybox AS used\nRUN echo used\nFROM busybox AS unused\nRUN echo %s\n"
	llbOf := func(unused string) string {
		r := fakefiles.New("inc.Dockerfile", fmt.Sprintf(inc, unused))
		res, err := ours.Convert(context.Background(), []byte(dt), includeOpt(t, dt, r))
		if err != nil {
			t.Fatal(err)
		}
		return marshalBytes(t, res.State)
	}
	first := llbOf("a")
	if llbOf("a") != first {
		t.Error("two conversions of the same files differ")
	}
	for _, unused := range []string{"something else entirely", "b\nRUN echo and\nRUN echo more lines"} {
		if llbOf(unused) != first {
			t.Errorf("changing a stage the target does not use (RUN echo %q) changed the target's LLB", unused)
		}
	}
}

// TestIncludeDaemonCaps: an op of an included file that the daemon cannot
// run is reported at that file's line (the source map read back through
// its SourceIndex).
func TestIncludeDaemonCaps(t *testing.T) {
	dt := "INCLUDE inc.Dockerfile AS inc\nFROM inc.x\nRUN true\n"
	inc := "FROM alpine AS x\n\nCOPY --chmod=u+x run.sh /run.sh\n"
	opt := includeOpt(t, dt, fakefiles.New("inc.Dockerfile", inc))
	opt.LLBCaps = daemonCaps(t, "v0.12.5")
	_, err := ours.Convert(context.Background(), []byte(dt), opt)
	var le *parser.LocationError
	if err == nil || !errors.As(err, &le) || stages.FilesOf(err) == nil {
		t.Fatalf("error %v: want one with a location and files", err)
	}
	src, local := stages.FilesOf(err).Split(le.Locations[0])
	if got := fmt.Sprintf("%s:%d", src.Name, local[0].Start.Line); got != "inc.Dockerfile:3" || !strings.Contains(err.Error(), "--chmod with a symbolic mode") {
		t.Errorf("error %q at %s, want the symbolic --chmod at inc.Dockerfile:3", err, got)
	}
}
