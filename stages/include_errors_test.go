package stages_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/myorg/multistage/stages"
)

// TestIncludeErrors: every error of reading and joining files names the
// file and its own line, in the message and in its locations, and the
// INCLUDE lines that led there.
func TestIncludeErrors(t *testing.T) {
	runIncludeCases(t, []includeCase{
		// --- reading -------------------------------------------------------------
		{
			name:  "missing file",
			main:  lines("INCLUDE docker/go.Dockerfile AS go", "FROM alpine"),
			err:   []string{"INCLUDE docker/go.Dockerfile AS go (line 1): docker/go.Dockerfile does not exist in the build context; paths in the Dockerfile are relative to the build context root"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "missing file with a near name",
			main:  lines("INCLUDE docker/go.Dockerfile AS go", "FROM alpine"),
			files: map[string]string{"docker/go.dockerfile": "FROM alpine AS x\n"},
			err:   []string{"does not exist in the build context", "(did you mean docker/go.dockerfile?)"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "missing file in an included file names both lines",
			main:  lines("FROM alpine", "INCLUDE a.Dockerfile"),
			files: map[string]string{"a.Dockerfile": lines("RUN true", "INCLUDE missing.Dockerfile")},
			err:   []string{"INCLUDE missing.Dockerfile (line 2 of a.Dockerfile): missing.Dockerfile does not exist", "; in a.Dockerfile, included at line 2 of Dockerfile"},
			where: []string{"a.Dockerfile:2", "Dockerfile:2"},
		},
		{
			name:  "missing context",
			main:  lines("INCLUDE --from=lib node.Dockerfile AS node", "FROM alpine"),
			err:   []string{`INCLUDE --from=lib node.Dockerfile AS node (line 1): there is no build context "lib": pass --build-context lib=<directory, git URL, https tarball or docker-image://ref>`},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "missing file in a named context",
			main:  lines("INCLUDE --from=lib node.Dockerfile AS node", "FROM alpine"),
			files: map[string]string{"lib:other.Dockerfile": "FROM alpine\n"},
			err:   []string{`node.Dockerfile does not exist in build context "lib"`},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "directory",
			main:  lines("INCLUDE docker AS go", "FROM alpine"),
			files: map[string]string{"docker/go.Dockerfile": "FROM alpine\n"},
			err:   []string{"INCLUDE docker AS go (line 1): docker is a directory in the build context; INCLUDE and file references name a file"},
			where: []string{"Dockerfile:1"},
		},
		// --- cycles ----------------------------------------------------------------
		{
			name:  "a file that includes itself",
			main:  lines("INCLUDE a.Dockerfile", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": lines("INCLUDE a.Dockerfile AS again", "FROM alpine AS x")},
			err:   []string{"include cycle: line 1 of Dockerfile includes a.Dockerfile, line 1 of a.Dockerfile includes a.Dockerfile again"},
			where: []string{"Dockerfile:1", "a.Dockerfile:1"},
		},
		{
			name: "an indirect cycle names every INCLUDE on it",
			main: lines("ARG X=1", "INCLUDE a.Dockerfile", "FROM alpine"),
			files: map[string]string{
				"a.Dockerfile":   lines("FROM alpine AS x", "INCLUDE b/b.Dockerfile"),
				"b/b.Dockerfile": lines("INCLUDE ../a.Dockerfile"),
			},
			err:   []string{"include cycle: line 2 of Dockerfile includes a.Dockerfile, line 2 of a.Dockerfile includes b/b.Dockerfile, line 1 of b/b.Dockerfile includes a.Dockerfile again"},
			where: []string{"Dockerfile:2", "a.Dockerfile:2", "b/b.Dockerfile:1"},
		},
		{
			name:  "a cycle through a snippet",
			main:  lines("FROM alpine", "INCLUDE s.Dockerfile"),
			files: map[string]string{"s.Dockerfile": lines("RUN true", "INCLUDE s.Dockerfile")},
			err:   []string{"include cycle: line 2 of Dockerfile includes s.Dockerfile, line 2 of s.Dockerfile includes s.Dockerfile again"},
			where: []string{"Dockerfile:2", "s.Dockerfile:2"},
		},
		// --- what a file may hold where ----------------------------------------------
		{
			name:  "FROM in a snippet",
			main:  lines("FROM alpine AS api-build", "RUN true", "INCLUDE docker/snippets/apt.Dockerfile"),
			files: map[string]string{"docker/snippets/apt.Dockerfile": lines("RUN apt-get update", "", "FROM debian")},
			err: []string{`docker/snippets/apt.Dockerfile has FROM at its line 3, but the INCLUDE at line 3 of Dockerfile (stage "api-build") pastes instructions: a file INCLUDEd inside a stage holds no FROM; to import its stages, INCLUDE it before the first FROM`,
				"; in docker/snippets/apt.Dockerfile, included at line 3 of Dockerfile"},
			where: []string{"docker/snippets/apt.Dockerfile:3", "Dockerfile:3"},
		},
		{
			name:  "no FROM in a file included before the first FROM",
			main:  lines("INCLUDE docker/apt.Dockerfile", "FROM alpine"),
			files: map[string]string{"docker/apt.Dockerfile": lines("RUN apt-get update")},
			err:   []string{"INCLUDE docker/apt.Dockerfile (line 1) imports stages, since it comes before the first FROM, but docker/apt.Dockerfile has no FROM and no INCLUDE; INCLUDE it inside a stage to paste its instructions"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "another escape character",
			main:  lines("INCLUDE win.Dockerfile", "FROM alpine"),
			files: map[string]string{"win.Dockerfile": lines("# escape=`", "FROM alpine AS x")},
			err:   []string{"win.Dockerfile uses the escape character '`' but Dockerfile uses '\\\\'; files joined by INCLUDE must use the same one"},
			where: []string{"Dockerfile:1"},
		},
		// --- names ------------------------------------------------------------------
		{
			name:  "a name from an include and from the file",
			main:  lines("INCLUDE docker/a.Dockerfile", "FROM alpine AS tools", "FROM alpine AS build"),
			files: map[string]string{"docker/a.Dockerfile": lines("FROM alpine AS x", "", "FROM alpine AS build")},
			err:   []string{`stage "build" is defined twice: at line 3 of docker/a.Dockerfile and at line 3 of Dockerfile; give INCLUDE docker/a.Dockerfile (line 1) an AS <name> to keep both`},
			where: []string{"docker/a.Dockerfile:3", "Dockerfile:3", "Dockerfile:1"},
		},
		{
			name:  "a name from two includes without AS",
			main:  lines("INCLUDE a.Dockerfile", "INCLUDE b.Dockerfile", "FROM build"),
			files: map[string]string{"a.Dockerfile": "FROM alpine AS build\n", "b.Dockerfile": "FROM alpine AS build\n"},
			err:   []string{`stage "build" is defined twice: at line 1 of a.Dockerfile and at line 1 of b.Dockerfile; give INCLUDE b.Dockerfile (line 2) an AS <name>`},
			where: []string{"a.Dockerfile:1", "b.Dockerfile:1", "Dockerfile:2"},
		},
		{
			name:  "a name repeated in one file is only upstream's lint warning",
			main:  lines("INCLUDE a.Dockerfile AS a", "FROM a.build"),
			files: map[string]string{"a.Dockerfile": "FROM alpine AS build\nFROM busybox AS build\n"},
		},
		{
			name:  "a namespace equal to a stage name",
			main:  lines("INCLUDE docker/go.Dockerfile AS go", "", "", "", "", "", "FROM alpine AS go"),
			files: map[string]string{"docker/go.Dockerfile": goFile},
			err:   []string{`namespace "go" of INCLUDE docker/go.Dockerfile AS go (line 1) clashes with stage "go" (line 7 of Dockerfile)`},
			where: []string{"Dockerfile:1", "Dockerfile:7"},
		},
		{
			name:  "a namespace that prefixes a name from another include",
			main:  lines("INCLUDE go.Dockerfile AS go", "INCLUDE other.Dockerfile", "FROM alpine"),
			files: map[string]string{"go.Dockerfile": goFile, "other.Dockerfile": "FROM alpine AS go.build\n"},
			err:   []string{`namespace "go" of INCLUDE go.Dockerfile AS go (line 1) clashes with stage "go.build" (line 1 of other.Dockerfile)`},
			where: []string{"Dockerfile:1", "other.Dockerfile:1"},
		},
		{
			name:  "one AS for two INCLUDEs",
			main:  lines("INCLUDE a.Dockerfile AS x", "INCLUDE b.Dockerfile AS X", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": "FROM alpine AS a\n", "b.Dockerfile": "FROM alpine AS b\n"},
			err:   []string{"AS x is used by two INCLUDEs (line 1 and line 2); each needs a name of its own"},
			where: []string{"Dockerfile:1", "Dockerfile:2"},
		},
		// --- paths --------------------------------------------------------------------
		{
			name:  "an unset ARG in a path",
			main:  lines("ARG SERVICE", "INCLUDE services/${SERVICE}/extra.Dockerfile AS svc", "FROM alpine"),
			err:   []string{"INCLUDE services/${SERVICE}/extra.Dockerfile AS svc (line 2): SERVICE is not set: give the ARG a default before the first FROM or pass it with --build-arg"},
			where: []string{"Dockerfile:2"},
		},
		{
			name:  "a path that climbs above the context",
			main:  lines("INCLUDE a/a.Dockerfile", "FROM alpine"),
			files: map[string]string{"a/a.Dockerfile": lines("INCLUDE ../../x.Dockerfile", "FROM alpine AS a")},
			err: []string{"INCLUDE ../../x.Dockerfile (line 1 of a/a.Dockerfile): ../../x.Dockerfile climbs above the root of the build context; include files outside it with INCLUDE --from=NAME and --build-context NAME=<directory>",
				"; in a/a.Dockerfile, included at line 1 of Dockerfile"},
			where: []string{"a/a.Dockerfile:1", "Dockerfile:1"},
		},
		{
			name:  "a pattern",
			main:  lines("INCLUDE docker/*.Dockerfile", "FROM alpine"),
			err:   []string{"INCLUDE docker/*.Dockerfile (line 1): docker/*.Dockerfile is a pattern; INCLUDE and file references name one file"},
			where: []string{"Dockerfile:1"},
		},
		// --- the INCLUDE line ------------------------------------------------------------
		{
			name:  "no path",
			main:  lines("FROM alpine", "", "", "INCLUDE"),
			err:   []string{"INCLUDE (line 4): expected INCLUDE [--from=<context>] <path> [AS <name>]"},
			where: []string{"Dockerfile:4"},
		},
		{
			name:  "an unknown flag",
			main:  lines("INCLUDE --build-arg=A=1 x.Dockerfile", "FROM alpine"),
			err:   []string{"INCLUDE --build-arg=A=1 x.Dockerfile (line 1): unknown flag --build-arg; expected INCLUDE"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "extra words",
			main:  lines("INCLUDE a.Dockerfile b.Dockerfile", "FROM alpine"),
			err:   []string{"INCLUDE a.Dockerfile b.Dockerfile (line 1): expected INCLUDE"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "a namespace that is no name",
			main:  lines("INCLUDE a.Dockerfile AS go.x", "FROM alpine"),
			err:   []string{"AS go.x is not a valid name"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "AS inside a stage",
			main:  lines("FROM alpine AS app", "INCLUDE a.Dockerfile AS a"),
			err:   []string{`INCLUDE a.Dockerfile AS a (line 2): AS has no meaning for an INCLUDE inside a stage ("app")`},
			where: []string{"Dockerfile:2"},
		},
		// --- errors inside included files ------------------------------------------------
		{
			name:  "an unknown instruction in an included file: upstream's words, its line",
			main:  lines("INCLUDE a.Dockerfile AS a", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": lines("FROM alpine AS x", "RUN true", "FORM busybox")},
			err:   []string{"dockerfile parse error on line 3: unknown instruction: FORM", "; in a.Dockerfile, included at line 1 of Dockerfile"},
			where: []string{"a.Dockerfile:3", "Dockerfile:1"},
		},
		{
			name:  "a parser error in an included file",
			main:  lines("INCLUDE a.Dockerfile AS a", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": lines("# escape=`", "# escape=`", "FROM alpine AS x")},
			err:   []string{"only one escape parser directive can be used", "; in a.Dockerfile, included at line 1 of Dockerfile"},
			where: []string{"a.Dockerfile:2", "Dockerfile:1"},
		},
		{
			name:  "invalid UTF-8 in an included file",
			main:  lines("INCLUDE a.Dockerfile AS a", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": "FROM alpine AS x\nRUN echo \xff\n"},
			err:   []string{"dockerfile parse error on line 2: invalid UTF-8", "; in a.Dockerfile, included at line 1 of Dockerfile"},
			where: []string{"a.Dockerfile:2", "Dockerfile:1"},
		},
		{
			name:  "a global ARG of an included file that fails",
			main:  lines("INCLUDE a.Dockerfile AS a", "FROM alpine"),
			files: map[string]string{"a.Dockerfile": lines("ARG X=${Y:?required}", "FROM alpine AS x")},
			err:   []string{"Y: required", "; in a.Dockerfile, included at line 1 of Dockerfile"},
			where: []string{"a.Dockerfile:1", "Dockerfile:1"},
		},
		{
			name:  "--from=N past the stages of its file counts that file's",
			main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM alpine AS a", "FROM lib.y"),
			files: map[string]string{"lib.Dockerfile": lines("FROM alpine AS x", "FROM alpine AS y", "COPY --from=2 /a /a")},
			err:   []string{"invalid stage index 2; COPY --from=2 (line 3 of lib.Dockerfile): lib.Dockerfile has stages 0 to 1"},
			where: []string{"lib.Dockerfile:3"},
		},
		{
			name:  "a stage typo in an included file",
			main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM lib.y"),
			files: map[string]string{"lib.Dockerfile": lines("FROM alpine AS build", "FROM biuld AS y")},
			err:   []string{`FROM biuld (line 2 of lib.Dockerfile) is not a stage of this Dockerfile: did you mean stage "build"? (defined at line 1 of lib.Dockerfile;`},
			where: []string{"lib.Dockerfile:2"},
		},
		{
			name:  "a forward reference in an included file",
			main:  lines("INCLUDE lib.Dockerfile AS lib", "FROM lib.x"),
			files: map[string]string{"lib.Dockerfile": lines("FROM alpine AS x", "COPY --from=y / /", "FROM alpine AS y")},
			err:   []string{`COPY --from=y (line 2 of lib.Dockerfile) in stage "lib.x" refers to stage "lib.y", which is defined later (line 3 of lib.Dockerfile)`},
			where: []string{"lib.Dockerfile:2", "lib.Dockerfile:3"},
		},
		{
			name:   "an unknown target lists the qualified names",
			main:   lines("INCLUDE go.Dockerfile AS go", "FROM go.build AS api"),
			files:  map[string]string{"go.Dockerfile": goFile},
			target: "go.biuld",
			err:    []string{`target stage "go.biuld" could not be found (did you mean go.build?); the stages are: go.build, go.test, api`},
		},
	})
}

// TestIncludeLimits: each limit stops the parse at the line that passes
// it, with the limit's words.
func TestIncludeLimits(t *testing.T) {
	chain := func(n int) map[string]string {
		files := map[string]string{}
		for i := 1; i <= n; i++ {
			files[fmt.Sprintf("d%d.Dockerfile", i)] = fmt.Sprintf("INCLUDE d%d.Dockerfile AS d\nFROM alpine AS x\n", i+1)
		}
		files[fmt.Sprintf("d%d.Dockerfile", n+1)] = "FROM alpine AS x\n"
		return files
	}
	// doubling: every file includes the next twice: 2^k inclusions at
	// level k.
	doubling := map[string]string{}
	for i := 1; i <= 20; i++ {
		doubling[fmt.Sprintf("t%d.Dockerfile", i)] = fmt.Sprintf("INCLUDE t%d.Dockerfile AS a\nINCLUDE t%d.Dockerfile AS b\nFROM alpine AS x\n", i+1, i+1)
	}
	doubling["t21.Dockerfile"] = "FROM alpine AS x\n"
	wide := map[string]string{}
	var wideMain []string
	for i := 0; i <= stages.MaxIncludeFiles; i++ {
		wide[fmt.Sprintf("w%d.Dockerfile", i)] = "FROM alpine AS x\n"
		wideMain = append(wideMain, fmt.Sprintf("INCLUDE w%d.Dockerfile AS w%d", i, i))
	}
	big := "FROM alpine AS x\n# " + strings.Repeat("x", stages.MaxIncludeFileBytes) + "\n"
	total := map[string]string{}
	var totalMain []string
	for i := 0; i < 20; i++ {
		total[fmt.Sprintf("b%d.Dockerfile", i)] = "FROM alpine AS x\n" + strings.Repeat("# "+strings.Repeat("x", 997)+"\n", 1000)
		totalMain = append(totalMain, fmt.Sprintf("INCLUDE b%d.Dockerfile AS b%d", i, i))
	}
	runIncludeCases(t, []includeCase{
		{
			name:  "sixteen levels pass",
			main:  lines("INCLUDE d1.Dockerfile AS d", "FROM alpine"),
			files: chain(15),
		},
		{
			name:  "the seventeenth level does not",
			main:  lines("INCLUDE d1.Dockerfile AS d", "FROM alpine"),
			files: chain(16),
			err:   []string{"INCLUDE d17.Dockerfile AS d (line 1 of d16.Dockerfile): the nesting of INCLUDE and file references reaches 17 levels; multistage limits it to 16 levels (see Limits in docs/reference.md)", "; in d16.Dockerfile, included at line 1 of d15.Dockerfile, "},
			where: chainWhere(16),
		},
		{
			name:  "a doubling tree stops at the inclusion limit",
			main:  lines("INCLUDE t1.Dockerfile AS t", "FROM alpine"),
			files: doubling,
			err:   []string{"INCLUDE t10.Dockerfile AS b (line 2 of t9.Dockerfile): the number of inclusions in one build reaches 1,001 inclusions; multistage limits it to 1,000 inclusions"},
			where: []string{"t9.Dockerfile:2", "t8.Dockerfile:1", "t7.Dockerfile:1", "t6.Dockerfile:2", "t5.Dockerfile:1", "t4.Dockerfile:2", "t3.Dockerfile:2", "t2.Dockerfile:2", "t1.Dockerfile:2", "Dockerfile:1"},
		},
		{
			name:  "the distinct files",
			main:  lines(append(wideMain, "FROM alpine")...),
			files: wide,
			err:   []string{"INCLUDE w500.Dockerfile AS w500 (line 501): the number of distinct files one build includes reaches 501 files; multistage limits it to 500 files"},
			where: []string{"Dockerfile:501"},
		},
		{
			name:  "one file's size",
			main:  lines("INCLUDE big.Dockerfile AS big", "FROM alpine"),
			files: map[string]string{"big.Dockerfile": big},
			err:   []string{"INCLUDE big.Dockerfile AS big (line 1): the included file big.Dockerfile reaches 1,048,596 bytes; multistage limits it to 1,048,576 bytes"},
			where: []string{"Dockerfile:1"},
		},
		{
			name:  "the size of all inclusions",
			main:  lines(append(totalMain, "FROM alpine")...),
			files: total,
			err:   []string{"INCLUDE b16.Dockerfile AS b16 (line 17): the text all inclusions of one build parse reaches 17,000,289 bytes; multistage limits it to 16,777,216 bytes"},
			where: []string{"Dockerfile:17"},
		},
	})
}

// chainWhere are the locations of an error at the INCLUDE of d(n+1) in
// dn: that line, then the INCLUDE lines that led to dn, innermost first.
func chainWhere(n int) []string {
	var out []string
	for i := n; i >= 1; i-- {
		out = append(out, fmt.Sprintf("d%d.Dockerfile:1", i))
	}
	return append(out, "Dockerfile:1")
}

// TestIncludeReaderFailure: a context that fails is reported at the line
// that named it, with the context's own error; a canceled parse stops
// with the context's error.
func TestIncludeReaderFailure(t *testing.T) {
	r := reader(map[string]string{"lib:x.Dockerfile": "FROM alpine AS x\n"})
	r.Fail = map[string]error{"lib": errors.New("git fetch: connection refused")}
	_, err := stages.ParseContext(context.Background(), []byte("INCLUDE --from=lib x.Dockerfile AS x\nFROM alpine\n"), stages.ParseOpt{Reader: r})
	checkIncludeError(t, err, []string{`INCLUDE --from=lib x.Dockerfile AS x (line 1): reading build context "lib": git fetch: connection refused`}, []string{"Dockerfile:1"})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = stages.ParseContext(ctx, []byte("INCLUDE x.Dockerfile AS x\nFROM alpine\n"), stages.ParseOpt{Reader: reader(nil)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
