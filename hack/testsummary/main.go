// Command testsummary reads `go test -json` on stdin and prints what a
// person needs from it: the output of failed tests (everything with -v),
// each package's final line, then one line per package,
// "N passed, N failed, N skipped", counting tests and subtests, and the
// test data that tests reported missing (a "missing test data: PATH" line).
//
// It exits 1 when a test or a package failed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// event is one line of test2json output.
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output events
}

type counts struct {
	passed, failed, skipped, unfinished int
	noTests, failedPkg                  bool
}

type summary struct {
	verbose  bool
	out      io.Writer
	pkgs     map[string]*counts
	order    []string
	buffered map[string][]string // output of running tests, by package+test
	missing  map[string][]string // missing test data path -> packages
}

var missingRE = regexp.MustCompile(`missing test data: (\S+)`)

func newSummary(out io.Writer, verbose bool) *summary {
	return &summary{verbose: verbose, out: out, pkgs: map[string]*counts{},
		buffered: map[string][]string{}, missing: map[string][]string{}}
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
	if e.Action == "build-output" {
		fmt.Fprint(s.out, e.Output)
		return
	}
	if e.Package == "" {
		return
	}
	c := s.pkg(e.Package)
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "output":
		s.output(e, key)
	case "pass", "fail", "skip":
		s.finish(e, c, key)
	}
}

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
		return
	}
	s.buffered[key] = append(s.buffered[key], e.Output)
}

func (s *summary) finish(e event, c *counts, key string) {
	lines := s.buffered[key]
	delete(s.buffered, key)
	if e.Test == "" {
		c.failedPkg = c.failedPkg || e.Action == "fail"
		if e.Action == "fail" {
			s.unfinished(e.Package)
		}
		return
	}
	switch e.Action {
	case "pass":
		c.passed++
	case "skip":
		c.skipped++
	case "fail":
		c.failed++
		fmt.Fprint(s.out, strings.Join(lines, ""))
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

// report prints the per-package lines and the missing test data to w; it
// says whether everything passed.
func (s *summary) report(w io.Writer) bool {
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

// run condenses the events from in onto out; the report also goes to
// report when it is not nil.
func run(in io.Reader, out, report io.Writer, verbose bool) bool {
	s := newSummary(out, verbose)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not an event (go vet or a build error on stderr merged in).
			fmt.Fprintln(out, sc.Text())
			continue
		}
		s.add(e)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(out, "[test] reading go test -json: %v\n", err)
		return false
	}
	w := out
	if report != nil {
		w = io.MultiWriter(out, report)
	}
	return s.report(w)
}

func main() {
	verbose := flag.Bool("v", false, "print the output of every test, not only failed ones")
	reportPath := flag.String("report", "", "also write the per-package lines to this file")
	flag.Parse()
	var report io.Writer
	if *reportPath != "" {
		f, err := os.Create(*reportPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer f.Close()
		report = f
	}
	if !run(os.Stdin, os.Stdout, report, *verbose) {
		os.Exit(1)
	}
}
