package dockerfile2llb_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// deviationErrors are messages by which either side rejects a Dockerfile
// the other accepts on purpose (deliberateDeviations); the fuzzer does not
// report those.
var deviationErrors = regexp.MustCompile(`did you mean stage|which is defined later|variable expansion is not supported for --from|refers to its own stage`)

// FuzzDifferential feeds mutated Dockerfiles (seeded with every
// differential case) to both converters and fails when one converts what
// the other rejects, or both convert to different LLB or config. Lint
// warnings and error wording are not compared.
//
//	go test ./dockerfile2llb -run '^$' -fuzz FuzzDifferential -fuzztime 5m
func FuzzDifferential(f *testing.F) {
	for _, dc := range loadCases(f) {
		if _, dev := deliberateDeviations[dc.Name]; dev {
			continue
		}
		if dc.Opts.Target == "" && dc.Opts.Platform == "" && len(dc.Opts.BuildArgs) == 0 {
			f.Add(dc.Data)
		}
	}
	for _, dt := range notUTF8Seeds {
		f.Add([]byte(dt))
	}
	f.Fuzz(func(t *testing.T, dt []byte) {
		dc := diffCase{Name: "fuzz", Data: dt}
		if opts, err := parseCaseOpts(dt); err == nil {
			opts.ExpectError = false
			dc.Opts = opts
		}
		if !utf8.Valid(dt) {
			// Ours rejects it on purpose, naming the line; upstream's
			// LLB (if any) cannot be marshalled, so there is nothing to
			// compare.
			checkNotUTF8(t, dt, runConverter(ourConverter, dc).Err)
			return
		}
		if knownFinding(dt) {
			t.Skip("known open difference (see knownFinding)")
		}
		if platformOnStage(dt) {
			t.Skip("FROM --platform on a stage is a deliberate deviation")
		}
		r := compareCase(dc)
		if r.Up.Err != nil && strings.HasPrefix(r.Up.Err.Error(), "panic:") {
			t.Skip("upstream panics on this input")
		}
		for _, p := range r.Problems {
			switch p.Kind {
			case "lint", "fixture":
				continue
			case "error":
				if (r.Up.Err == nil) == (r.Our.Err == nil) {
					continue // both fail: wording is not the fuzzer's business
				}
				if r.Up.Err != nil && deviationErrors.MatchString(r.Up.Err.Error()) ||
					r.Our.Err != nil && deviationErrors.MatchString(r.Our.Err.Error()) {
					continue
				}
			}
			t.Errorf("[%s] %s\nDockerfile:\n%s", p.Kind, p.Detail, dt)
		}
	})
}

var (
	stageNameRe    = regexp.MustCompile(`(?im)^\s*FROM\s.*\sAS\s+(\S+)\s*$`)
	fromPlatformRe = regexp.MustCompile(`(?im)^\s*FROM\s+(?:--\S+\s+)*--platform=\S+\s+(?:--\S+\s+)*(\S+)`)
)

// platformOnStage reports (roughly) whether dt has FROM --platform=P
// <stage>, where ours deliberately differs from upstream.
func platformOnStage(dt []byte) bool {
	names := map[string]bool{}
	for _, m := range stageNameRe.FindAllSubmatch(dt, -1) {
		names[strings.ToLower(string(m[1]))] = true
	}
	for _, m := range fromPlatformRe.FindAllSubmatch(dt, -1) {
		if names[strings.ToLower(string(m[1]))] {
			return true
		}
	}
	return false
}

// knownFinding skips inputs that hit a difference already reported by a
// failing TestDifferential case, so fuzzing can look for new ones. Add a
// rule when the fuzzer finds something that gets a case; remove it when the
// case passes. (Empty: "FROM Scratch", the last one, is fixed.)
func knownFinding(dt []byte) bool {
	return false
}
