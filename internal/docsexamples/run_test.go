package docsexamples

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestRunProblems runs small sh commands the way the docs test runs a
// page's, and checks what Problems says of each.
func TestRunProblems(t *testing.T) {
	cases := []struct {
		name string
		cmd  Command
		want []string
	}{
		{"output matches", Command{Text: "echo '  hello world  '; echo two >&2", Expect: []string{"hello world", "two"}}, nil},
		{"output missing", Command{Text: "echo hello", Expect: []string{"goodbye"}}, []string{`output lacks "goodbye"`}},
		{"continued command", Command{Text: "echo a \\\n  b", Expect: []string{"a b"}}, nil},
		{"fails as shown", Command{Text: "echo 'ERROR: no' >&2; exit 1", Expect: []string{"ERROR: no"}, WantFail: true}, nil},
		{"fails unexpectedly", Command{Text: "exit 3"}, []string{"failed (exit status 3), but the page shows no ERROR: line"}},
		{"succeeds unexpectedly", Command{Text: "echo 'ERROR: no'", Expect: []string{"ERROR: no"}, WantFail: true}, []string{"succeeded, but the page shows an ERROR: line, so it must fail"}},
		{"runs in the context", Command{Text: "cat Dockerfile", Expect: []string{"FROM busybox"}}, nil},
	}
	dir := t.TempDir()
	ex := Example{Doc: "p.md", Files: []File{{Path: "Dockerfile", Text: "FROM busybox\n"}}}
	if err := ex.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.cmd.Problems(Run(context.Background(), dir, os.Environ(), c.cmd))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("problems %q, want %q", got, c.want)
			}
		})
	}
}

// TestRunStdout: the DOT of --call=graph is read from stdout alone.
func TestRunStdout(t *testing.T) {
	o := Run(context.Background(), t.TempDir(), os.Environ(), Command{Text: "echo out; echo err >&2"})
	if o.Stdout != "out\n" || !strings.Contains(o.Combined, "err") {
		t.Errorf("stdout %q, combined %q", o.Stdout, o.Combined)
	}
}

func TestWriteFilesRefusesEscape(t *testing.T) {
	ex := Example{Doc: "p.md", Files: []File{{Path: "../x", Line: 3}}}
	err := ex.WriteFiles(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "p.md:3: file \"../x\" escapes the build context") {
		t.Errorf("err = %v", err)
	}
}

// TestBuildxEnvShim: a standalone buildx is reached as `docker buildx`.
func TestBuildxEnvShim(t *testing.T) {
	bin := t.TempDir()
	env, err := BuildxEnv(os.Environ(), bin, []string{"echo", "it's buildx:"}, "b1")
	if err != nil {
		t.Fatal(err)
	}
	cases := []Command{
		{Text: "docker buildx build .", Expect: []string{"it's buildx: build ."}},
		{Text: `echo "$BUILDX_BUILDER"`, Expect: []string{"b1"}},
		{Text: "docker run x", Expect: []string{"only docker buildx is available, not docker run"}, WantFail: true},
	}
	for _, c := range cases {
		if p := c.Problems(Run(context.Background(), t.TempDir(), env, c)); p != nil {
			t.Errorf("%s: %q", c.Text, p)
		}
	}
	env, err = BuildxEnv(nil, filepath.Join(bin, "unused"), []string{"docker", "buildx"}, "b1")
	if err != nil || len(env) != 3 {
		t.Errorf("docker buildx: env %q, err %v; want no shim", env, err)
	}
}
