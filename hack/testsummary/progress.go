package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// quietFor is how long a package runs before its progress is shown: most
// packages finish well before and never print one.
const quietFor = 20 * time.Second

// maxRunningShown is how many running tests a progress line names.
const maxRunningShown = 3

func (s *summary) printProgress(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.progress(now) {
		fmt.Fprintln(s.out, l)
	}
}

// progress is one line for each package that has run for quietFor or
// more: tests done (of how many, when listed), the counts so far, and the
// top-level tests running now, longest first.
func (s *summary) progress(now time.Time) []string {
	var lines []string
	names := slices.Clone(s.order)
	slices.Sort(names)
	for _, name := range names {
		c := s.pkgs[name]
		if c.finished || c.started.IsZero() || now.Sub(c.started) < quietFor {
			continue
		}
		done := fmt.Sprint(c.topDone)
		if n := s.listed[name]; n > 0 {
			done += fmt.Sprintf(" of %d", n)
		}
		lines = append(lines, fmt.Sprintf("[test] %s: %s tests done after %s (%d passed, %d failed, %d skipped, subtests included)%s",
			name, done, roundDuration(now.Sub(c.started)), c.passed, c.failed, c.skipped, s.runningIn(name, now)))
	}
	return lines
}

// runningIn names the top-level tests of pkg running now, each with the
// subtest it started last ("TestShip (2m0s) in test-lint").
func (s *summary) runningIn(pkg string, now time.Time) string {
	type test struct {
		name, in string
		since    time.Time
	}
	var tests []test
	for k, since := range s.running {
		if p, name, _ := strings.Cut(k, "\x00"); p == pkg && isTopLevel(name) {
			tests = append(tests, test{name, s.latestSubtest(pkg, name), since})
		}
	}
	if len(tests) == 0 {
		return ""
	}
	slices.SortFunc(tests, func(a, b test) int {
		if c := a.since.Compare(b.since); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	var parts []string
	for _, t := range tests[:min(len(tests), maxRunningShown)] {
		part := fmt.Sprintf("%s (%s)", t.name, roundDuration(now.Sub(t.since)))
		if t.in != "" {
			part += " in " + t.in
		}
		parts = append(parts, part)
	}
	more := ""
	if len(tests) > maxRunningShown {
		more = fmt.Sprintf(" and %d more", len(tests)-maxRunningShown)
	}
	return "; running " + strings.Join(parts, ", ") + more
}

// latestSubtest is the running subtest of top that started last, its name
// below top's; "" when none runs.
func (s *summary) latestSubtest(pkg, top string) string {
	prefix := pkg + "\x00" + top + "/"
	var name string
	var since time.Time
	for k, t := range s.running {
		rest, ok := strings.CutPrefix(k, prefix)
		if ok && (name == "" || t.After(since) || t.Equal(since) && rest > name) {
			name, since = rest, t
		}
	}
	return name
}

func roundDuration(d time.Duration) time.Duration { return d.Round(time.Second) }

// listedNameRE is a line `go test -list` prints for a test it would run.
var listedNameRE = regexp.MustCompile(`^(Test|Example|Fuzz)[^\s/]*$`)

// readList counts the top-level tests of each package in the output of
// `go test -json -list .`.
func readList(r io.Reader) map[string]int {
	n := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // a build error merged in: that package's count is unknown
		}
		if e.Action == "output" && e.Test == "" && listedNameRE.MatchString(strings.TrimSpace(e.Output)) {
			n[e.Package]++
		}
	}
	return n
}
