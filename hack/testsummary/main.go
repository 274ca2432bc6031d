// Command testsummary reads `go test -json` on stdin and prints what a
// person needs from it: the output of failed tests (everything with -v),
// each package's final line, then one line per package,
// "N passed, N failed, N skipped", counting tests and subtests, every
// skipped test with its reason, and the test data that tests reported
// missing (a "missing test data: PATH" line).
//
// While tests run it says, every 30 seconds, how far each package that has
// run for 20 seconds or more has got: tests done (of how many, given
// -list, the output of `go test -json -list .`) and the tests running.
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
	"time"
)

// event is one line of test2json output.
type event struct {
	Time       time.Time
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output events
}

// progressEvery is how often the progress lines come.
const progressEvery = 30 * time.Second

// run condenses the events from in onto out; the report (the per-package
// lines, the skips, the missing data) goes to report instead when it is not
// nil: hack/test.sh prints it last, after the conformance suite. listed holds the number of top-level tests
// per package, when known. A progress line comes every `every` (never when
// it is 0).
func run(in io.Reader, out, report io.Writer, verbose bool, listed map[string]int, every time.Duration) bool {
	s := newSummary(out, verbose)
	s.listed = listed
	if every > 0 {
		stop := s.tick(every)
		defer stop()
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			// Not an event (go vet or a build error on stderr merged in).
			s.println(sc.Text())
			continue
		}
		s.add(e)
	}
	if err := sc.Err(); err != nil {
		s.println(fmt.Sprintf("[test] reading go test -json: %v", err))
		return false
	}
	if report != nil {
		return s.report(report)
	}
	return s.report(out)
}

// tick prints the progress lines every d until the returned func is called.
func (s *summary) tick(d time.Duration) func() {
	t := time.NewTicker(d)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case now := <-t.C:
				s.printProgress(now)
			case <-done:
				return
			}
		}
	}()
	return func() {
		t.Stop()
		close(done)
	}
}

func main() {
	verbose := flag.Bool("v", false, "print the output of every test, not only failed ones")
	reportPath := flag.String("report", "", "write the per-package lines, the skips and the missing data to this file instead")
	listPath := flag.String("list", "", "a file holding the output of go test -json -list . for the same packages: progress then says how many tests each has")
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
	var listed map[string]int
	if *listPath != "" {
		f, err := os.Open(*listPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		listed = readList(f)
		f.Close()
	}
	if !run(os.Stdin, os.Stdout, report, *verbose, listed, progressEvery) {
		os.Exit(1)
	}
}
