package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// skip is one skipped test or subtest and why.
type skip struct {
	pkg, test, reason string
}

// logLineRE is the start of a t.Log/t.Skip line: "    file_test.go:12: ".
var logLineRE = regexp.MustCompile(`^\s+\S+\.go:\d+: `)

// maxReason keeps one skip on one screen line or two.
const maxReason = 300

// skipReason is the last message a skipped test logged, with its
// continuation lines: what t.Skip said. Earlier t.Log lines are left out.
func skipReason(lines []string) string {
	var msg []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		if logLineRE.MatchString(l) {
			msg = msg[:0]
		}
		msg = append(msg, t)
	}
	r := strings.Join(msg, " ")
	if r == "" {
		return "(no reason given)"
	}
	if len(r) > maxReason {
		cut := maxReason
		for cut > 0 && !utf8.RuneStart(r[cut]) {
			cut--
		}
		r = r[:cut] + "..."
	}
	return r
}

// reportSkips names every skipped test with its reason, by package and
// test name.
func (s *summary) reportSkips(w io.Writer) {
	if len(s.skips) == 0 {
		return
	}
	sk := slices.Clone(s.skips)
	slices.SortFunc(sk, func(a, b skip) int {
		return strings.Compare(a.pkg+"\x00"+a.test, b.pkg+"\x00"+b.test)
	})
	prefix := commonDir(s.order)
	fmt.Fprintf(w, "[test] %d skipped, each with its reason:\n", len(sk))
	for _, k := range sk {
		fmt.Fprintf(w, "[test]   %s %s: %s\n", strings.TrimPrefix(k.pkg, prefix), k.test, k.reason)
	}
}

// commonDir is the directory all of pkgs are in ("github.com/o/m/"), so a
// skip names its package as short as it can; "" for fewer than two.
func commonDir(pkgs []string) string {
	if len(pkgs) < 2 {
		return ""
	}
	p := pkgs[0]
	for _, q := range pkgs[1:] {
		for !strings.HasPrefix(q, p) {
			p = p[:len(p)-1]
		}
	}
	return p[:strings.LastIndex(p, "/")+1]
}
