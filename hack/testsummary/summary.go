package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

type counts struct {
	passed, failed, skipped, unfinished int
	noTests, failedPkg, finished        bool
	started                             time.Time
	topDone                             int // top-level tests finished
}

// summary is everything read so far. The progress ticker reads it too:
// every method that touches it holds mu.
type summary struct {
	mu       sync.Mutex
	verbose  bool
	out      io.Writer
	pkgs     map[string]*counts
	order    []string
	buffered map[string][]string // output of running tests, by package+test
	missing  map[string][]string // missing test data path -> packages
	skips    []skip
	running  map[string]time.Time // tests and subtests running, by package+test
	listed   map[string]int       // top-level tests per package, when known
}

var missingRE = regexp.MustCompile(`missing test data: (\S+)`)

func newSummary(out io.Writer, verbose bool) *summary {
	return &summary{verbose: verbose, out: out, pkgs: map[string]*counts{},
		buffered: map[string][]string{}, missing: map[string][]string{},
		running: map[string]time.Time{}}
}

func (s *summary) println(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintln(s.out, line)
}

func (s *summary) pkg(name string) *counts {
	c, ok := s.pkgs[name]
	if !ok {
		c = &counts{}
		s.pkgs[name] = c
		s.order = append(s.order, name)
	}
	return c
}

func (s *summary) add(e event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Action == "build-output" {
		fmt.Fprint(s.out, e.Output)
		return
	}
	if e.Package == "" {
		return
	}
	c := s.pkg(e.Package)
	if c.started.IsZero() {
		c.started = e.Time // the "start" event, or the first one seen
	}
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "run", "cont":
		if e.Test != "" {
			s.running[key] = e.Time
		}
	case "pause":
		delete(s.running, key)
	case "output":
		s.output(e, key)
	case "pass", "fail", "skip":
		delete(s.running, key)
		s.finish(e, c, key)
	}
}

func isTopLevel(test string) bool { return test != "" && !strings.Contains(test, "/") }

func (s *summary) output(e event, key string) {
	if m := missingRE.FindStringSubmatch(e.Output); m != nil && !slices.Contains(s.missing[m[1]], e.Package) {
		s.missing[m[1]] = append(s.missing[m[1]], e.Package)
	}
	if e.Test == "" {
		if strings.Contains(e.Output, "[no test files]") {
			s.pkg(e.Package).noTests = true
		}
		if !s.verbose && (strings.HasPrefix(e.Output, "=== ") || e.Output == "PASS\n" || e.Output == "FAIL\n") {
			return
		}
		fmt.Fprint(s.out, e.Output)
		return
	}
	if s.verbose {
		fmt.Fprint(s.out, e.Output)
	}
	// Kept with -v too: a skip's reason and a timeout's culprits come from it.
	s.buffered[key] = append(s.buffered[key], e.Output)
}

func (s *summary) finish(e event, c *counts, key string) {
	lines := s.buffered[key]
	delete(s.buffered, key)
	if e.Test == "" {
		c.finished = true
		c.failedPkg = c.failedPkg || e.Action == "fail"
		if e.Action == "fail" {
			s.unfinished(e.Package)
		}
		return
	}
	if isTopLevel(e.Test) {
		c.topDone++
	}
	switch e.Action {
	case "pass":
		c.passed++
	case "skip":
		c.skipped++
		s.skips = append(s.skips, skip{pkg: e.Package, test: e.Test, reason: skipReason(lines)})
	case "fail":
		c.failed++
		if !s.verbose {
			fmt.Fprint(s.out, strings.Join(lines, ""))
		}
	}
}

// unfinished prints the output of the tests of pkg that never finished:
// they were running when the package died (a timeout, a panic), and their
// output says where.
func (s *summary) unfinished(pkg string) {
	var keys []string
	for k := range s.buffered {
		if p, _, _ := strings.Cut(k, "\x00"); p == pkg {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		_, test, _ := strings.Cut(k, "\x00")
		fmt.Fprintf(s.out, "--- %s: still running when %s failed:\n%s", test, pkg, strings.Join(s.buffered[k], ""))
		delete(s.buffered, k)
		s.pkgs[pkg].unfinished++
	}
}

// report prints the per-package lines, the skips and the missing test data
// to w; it says whether everything passed.
func (s *summary) report(w io.Writer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := true
	slices.Sort(s.order)
	for _, name := range s.order {
		c := s.pkgs[name]
		line := fmt.Sprintf("%s: %d passed, %d failed, %d skipped", name, c.passed, c.failed, c.skipped)
		switch {
		case c.noTests:
			line += " (no test files)"
		case c.unfinished > 0:
			line += fmt.Sprintf(", %d unfinished (the package failed while they ran: a timeout or a panic)", c.unfinished)
		case c.failedPkg && c.failed == 0:
			line += " (the package failed outside any test)"
		}
		ok = ok && !c.failedPkg && c.failed == 0
		fmt.Fprintf(w, "[test] %s\n", line)
	}
	s.reportSkips(w)
	paths := make([]string, 0, len(s.missing))
	for p := range s.missing {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		fmt.Fprintf(w, "[test] missing test data: %s (%s ran without it)\n", p, strings.Join(s.missing[p], ", "))
	}
	return ok
}
