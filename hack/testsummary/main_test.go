package main

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		ok      bool
		want    []string // lines of the output
		notWant []string
	}{
		{
			name: "counts-subtests-and-prints-only-failures",
			in: `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestX"}
{"Action":"output","Package":"p/a","Test":"TestX","Output":"=== RUN   TestX\n"}
{"Action":"output","Package":"p/a","Test":"TestX","Output":"    x_test.go:1: fine\n"}
{"Action":"pass","Package":"p/a","Test":"TestX"}
{"Action":"run","Package":"p/a","Test":"TestY/sub"}
{"Action":"output","Package":"p/a","Test":"TestY/sub","Output":"    y_test.go:9: broken\n"}
{"Action":"fail","Package":"p/a","Test":"TestY/sub"}
{"Action":"fail","Package":"p/a","Test":"TestY"}
{"Action":"skip","Package":"p/a","Test":"TestZ"}
{"Action":"output","Package":"p/a","Output":"FAIL\tp/a\t0.1s\n"}
{"Action":"fail","Package":"p/a"}
{"Action":"output","Package":"p/b","Output":"?   \tp/b\t[no test files]\n"}
{"Action":"skip","Package":"p/b"}
`,
			want:    []string{"    y_test.go:9: broken", "FAIL\tp/a\t0.1s", "[test] p/a: 1 passed, 2 failed, 1 skipped", "[test] p/b: 0 passed, 0 failed, 0 skipped (no test files)"},
			notWant: []string{"fine"},
		},
		{
			name: "missing-test-data",
			in: `{"Action":"output","Package":"p/d","Test":"TestDiff","Output":"    d_test.go:3: missing test data: /w/shared/corpus/realworld (open: no such file): only our own cases run\n"}
{"Action":"pass","Package":"p/d","Test":"TestDiff"}
{"Action":"output","Package":"p/d","Test":"TestLint","Output":"    l_test.go:3: missing test data: /w/shared/corpus/realworld (x)\n"}
{"Action":"pass","Package":"p/d","Test":"TestLint"}
{"Action":"pass","Package":"p/d"}
`,
			ok:   true,
			want: []string{"[test] p/d: 2 passed, 0 failed, 0 skipped", "[test] missing test data: /w/shared/corpus/realworld (p/d ran without it)"},
		},
		{
			name: "package-fails-outside-tests",
			in: `{"Action":"output","Package":"p/e","Output":"panic: init\n"}
{"Action":"fail","Package":"p/e"}
`,
			want: []string{"panic: init", "[test] p/e: 0 passed, 0 failed, 0 skipped (the package failed outside any test)"},
		},
		{
			name: "timeout-names-the-running-tests",
			in: `{"Action":"run","Package":"p/g","Test":"TestSlow"}
{"Action":"output","Package":"p/g","Test":"TestSlow","Output":"panic: test timed out after 25m0s\n"}
{"Action":"output","Package":"p/g","Output":"FAIL\tp/g\t1500.0s\n"}
{"Action":"fail","Package":"p/g"}
`,
			want: []string{"--- TestSlow: still running when p/g failed:", "panic: test timed out after 25m0s",
				"[test] p/g: 0 passed, 0 failed, 0 skipped, 1 unfinished (the package failed while they ran: a timeout or a panic)"},
		},
		{
			name: "non-json-lines-pass-through",
			in:   "# p/f\nf.go:1: syntax error\n",
			ok:   true,
			want: []string{"f.go:1: syntax error"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			var report strings.Builder
			ok := run(strings.NewReader(tc.in), &out, &report, false)
			if !strings.HasSuffix(out.String(), report.String()) {
				t.Errorf("report %q is not the end of the output:\n%s", report.String(), out.String())
			}
			if ok != tc.ok {
				t.Errorf("run = %v, want %v", ok, tc.ok)
			}
			lines := strings.Split(out.String(), "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					found = found || l == w
				}
				if !found {
					t.Errorf("no line %q in:\n%s", w, out.String())
				}
			}
			for _, nw := range tc.notWant {
				if strings.Contains(out.String(), nw) {
					t.Errorf("output contains %q:\n%s", nw, out.String())
				}
			}
		})
	}
}
