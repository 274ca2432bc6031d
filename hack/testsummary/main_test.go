package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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
			name: "skips-are-named-with-their-reasons",
			in: `{"Action":"run","Package":"p/s","Test":"TestEngine"}
{"Action":"output","Package":"p/s","Test":"TestEngine","Output":"=== RUN   TestEngine\n"}
{"Action":"output","Package":"p/s","Test":"TestEngine","Output":"    e_test.go:5: started the registry\n"}
{"Action":"output","Package":"p/s","Test":"TestEngine","Output":"    e_test.go:9: /usr/sbin/dockerd is missing\n"}
{"Action":"output","Package":"p/s","Test":"TestEngine","Output":"        (apt-get install docker.io)\n"}
{"Action":"output","Package":"p/s","Test":"TestEngine","Output":"--- SKIP: TestEngine (0.00s)\n"}
{"Action":"skip","Package":"p/s","Test":"TestEngine"}
{"Action":"run","Package":"p/s","Test":"TestA/sub"}
{"Action":"output","Package":"p/s","Test":"TestA/sub","Output":"    a_test.go:2: no daemon\n"}
{"Action":"skip","Package":"p/s","Test":"TestA/sub"}
{"Action":"run","Package":"p/s","Test":"TestQuiet"}
{"Action":"skip","Package":"p/s","Test":"TestQuiet"}
{"Action":"pass","Package":"p/s","Test":"TestA"}
{"Action":"pass","Package":"p/s"}
{"Action":"output","Package":"p/t","Output":"ok  \tp/t\t0.1s\n"}
{"Action":"pass","Package":"p/t"}
`,
			ok: true,
			want: []string{"[test] p/s: 1 passed, 0 failed, 3 skipped", "[test] 3 skipped, each with its reason:",
				"[test]   s TestA/sub: a_test.go:2: no daemon",
				"[test]   s TestEngine: e_test.go:9: /usr/sbin/dockerd is missing (apt-get install docker.io)",
				"[test]   s TestQuiet: (no reason given)"},
			notWant: []string{"started the registry"},
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
			ok := run(strings.NewReader(tc.in), &out, nil, false, nil, 0)
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

func TestReportGoesToItsFile(t *testing.T) {
	in := `{"Action":"output","Package":"p/r","Test":"TestX","Output":"    x_test.go:3: no daemon\n"}
{"Action":"skip","Package":"p/r","Test":"TestX"}
{"Action":"output","Package":"p/r","Output":"ok  \tp/r\t0.1s\n"}
{"Action":"pass","Package":"p/r"}
`
	var out, report strings.Builder
	run(strings.NewReader(in), &out, &report, false, nil, 0)
	want := "[test] p/r: 0 passed, 0 failed, 1 skipped\n[test] 1 skipped, each with its reason:\n[test]   p/r TestX: x_test.go:3: no daemon\n"
	if report.String() != want || strings.Contains(out.String(), "[test]") || !strings.Contains(out.String(), "ok  \tp/r") {
		t.Errorf("output:\n%s\nreport:\n%s\nwant the package's own lines in the output and the report, only, in the report:\n%s", out.String(), report.String(), want)
	}
}

func TestSkipsWithVerbose(t *testing.T) {
	in := `{"Action":"output","Package":"p/v","Test":"TestX","Output":"    x_test.go:3: needs BUILDKIT_HOST\n"}
{"Action":"skip","Package":"p/v","Test":"TestX"}
{"Action":"pass","Package":"p/v"}
`
	var out strings.Builder
	run(strings.NewReader(in), &out, nil, true, nil, 0)
	if !strings.Contains(out.String(), "[test]   p/v TestX: x_test.go:3: needs BUILDKIT_HOST\n") {
		t.Errorf("with -v, the skip is not listed with its reason:\n%s", out.String())
	}
}

func TestSkipReasonIsCut(t *testing.T) {
	long := "    l_test.go:1: " + strings.Repeat("é", maxReason) + "\n"
	r := skipReason([]string{long})
	if !strings.HasSuffix(r, "...") || len(r) > maxReason+3 || !utf8.ValidString(r) {
		t.Errorf("skipReason of a long line = %q (len %d), want at most %d bytes of valid UTF-8 ending in ...", r, len(r), maxReason+3)
	}
}

func TestProgress(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return t0.Add(d).Format(time.RFC3339Nano) }
	in := strings.Join([]string{
		`{"Time":"` + at(0) + `","Action":"start","Package":"p/slow"}`,
		`{"Time":"` + at(0) + `","Action":"start","Package":"p/fast"}`,
		`{"Time":"` + at(time.Second) + `","Action":"pass","Package":"p/fast"}`,
		`{"Time":"` + at(time.Second) + `","Action":"run","Package":"p/slow","Test":"TestDone"}`,
		`{"Time":"` + at(2*time.Second) + `","Action":"pass","Package":"p/slow","Test":"TestDone"}`,
		`{"Time":"` + at(3*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestOld"}`,
		`{"Time":"` + at(3*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestOld/a"}`,
		`{"Time":"` + at(5*time.Second) + `","Action":"skip","Package":"p/slow","Test":"TestOld/a"}`,
		`{"Time":"` + at(6*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestParallel"}`,
		`{"Time":"` + at(6*time.Second) + `","Action":"pause","Package":"p/slow","Test":"TestParallel"}`,
		`{"Time":"` + at(9*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestNew"}`,
		`{"Time":"` + at(10*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestNew/first"}`,
		`{"Time":"` + at(11*time.Second) + `","Action":"pass","Package":"p/slow","Test":"TestNew/first"}`,
		`{"Time":"` + at(12*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestNew/second"}`,
		`{"Time":"` + at(13*time.Second) + `","Action":"run","Package":"p/slow","Test":"TestNew/second/deep"}`,
	}, "\n")
	s := newSummary(&strings.Builder{}, false)
	s.listed = readList(strings.NewReader(`{"Action":"output","Package":"p/slow","Output":"TestDone\n"}
{"Action":"output","Package":"p/slow","Output":"TestOld\n"}
{"Action":"output","Package":"p/slow","Output":"TestParallel\n"}
{"Action":"output","Package":"p/slow","Output":"TestNew\n"}
{"Action":"output","Package":"p/slow","Output":"BenchmarkX\n"}
{"Action":"output","Package":"p/slow","Output":"ok  \tp/slow\t0.01s\n"}
not json
`))
	for _, l := range strings.Split(in, "\n") {
		var e event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		s.add(e)
	}
	if got := s.progress(t0.Add(19 * time.Second)); len(got) != 0 {
		t.Errorf("progress before %v: %q, want nothing", quietFor, got)
	}
	want := []string{"[test] p/slow: 1 of 4 tests done after 1m0s (2 passed, 0 failed, 1 skipped, subtests included); running TestOld (57s), TestNew (51s) in second/deep"}
	if got := s.progress(t0.Add(time.Minute)); !slices.Equal(got, want) {
		t.Errorf("progress = %q\nwant       %q", got, want)
	}
}
