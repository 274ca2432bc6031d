package dockerfile2llb_test

// Differential tests of the targets and outline subrequests against
// upstream's ListTargets and Dockerfile2Outline, over every differential
// case (testdata/diff and the real-world corpus); outline is compared for
// the default target and for every named stage.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"

	upstream "github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/pb"
	"github.com/pkg/errors"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakeresolver"
)

func TestDifferentialTargets(t *testing.T) {
	cases := loadCases(t)
	compared, beyond := 0, 0
	for _, dc := range cases {
		up, upErr := catchPanic(func() (*targets.List, error) { return upstream.ListTargets(context.Background(), dc.Data) })
		if upErr != nil && strings.HasPrefix(upErr.Error(), "panic:") {
			// Upstream parses with a nil linter, which panics on a
			// "# check=" comment above an instruction; ours answers.
			if _, err := ours.ListTargets(context.Background(), dc.Data); err != nil {
				t.Errorf("%s: upstream panics (%v) and ours fails: %v", dc.Name, upErr, err)
			}
			continue
		}
		our, ourErr := ours.ListTargets(context.Background(), dc.Data)
		if _, dev := deliberateDeviations[dc.Name]; dev && upErr != nil && ourErr == nil && len(our.Targets) > 0 {
			// Upstream rejects RUN --mount=from=${VAR} outright; ours
			// builds it, so it lists the stages too.
			beyond++
			continue
		}
		if (upErr == nil) != (ourErr == nil) {
			t.Errorf("%s: upstream error %v, ours %v", dc.Name, upErr, ourErr)
			continue
		}
		if upErr != nil {
			continue
		}
		compared++
		withoutUnnamedNotes(up, our)
		if u, o := mustJSON(t, up), mustJSON(t, our); u != o {
			t.Errorf("%s: targets differ:\n%s", dc.Name, unifiedDiff("upstream", "ours", u, o, 3))
		}
	}
	if compared < 20 {
		t.Errorf("only %d Dockerfiles compared; want at least 20", compared)
	}
	if beyond < 2 {
		t.Errorf("ours lists the targets of %d deliberate deviations upstream rejects; want the two RUN --mount=from=${VAR} cases", beyond)
	}
	t.Logf("targets equal on %d Dockerfiles, listed beyond upstream on %d", compared, beyond)
}

// withoutUnnamedNotes blanks the description ours gives an unnamed stage,
// where upstream gives none (a deliberate deviation: buildx would print a
// bare "(default)"; see subrequests.unnamedNote), so the rest of the answer
// is still compared.
func withoutUnnamedNotes(up, our *targets.List) {
	if len(up.Targets) != len(our.Targets) {
		return
	}
	for i, u := range up.Targets {
		o := &our.Targets[i]
		if u.Name == "" && o.Name == "" && u.Description == "" && strings.HasPrefix(o.Description, "unnamed stage ") {
			o.Description = ""
		}
	}
}

var flagOutlineAll = flag.Bool("outline.all", false, "compare the outline of every named stage, not just a few per file")

func TestDifferentialOutline(t *testing.T) {
	cases := loadCases(t)
	var compared, errs int
	for _, dc := range cases {
		targetsOf := []string{dc.Opts.Target}
		if l, err := ours.ListTargets(context.Background(), dc.Data); err == nil && dc.Opts.Target == "" {
			for _, tg := range l.Targets {
				// A few named stages per file keep the test fast; -count
				// -outline.all covers every named stage.
				if tg.Name != "" && !tg.Default && (*flagOutlineAll || len(targetsOf) < 3) {
					targetsOf = append(targetsOf, tg.Name)
				}
			}
		}
		for _, target := range targetsOf {
			opts := dc.Opts
			opts.Target = target
			name := dc.Name + "@" + target
			up, upErr := outlineWith(dc.Data, opts, true)
			our, ourErr := outlineWith(dc.Data, opts, false)
			if (upErr == nil) != (ourErr == nil) {
				if _, dev := deliberateDeviations[dc.Name]; dev {
					continue // a documented difference of the converter itself
				}
				t.Errorf("%s: upstream error %v, ours %v", name, upErr, ourErr)
				continue
			}
			if upErr != nil {
				errs++
				continue
			}
			compared++
			u, o := outlineJSON(t, up), outlineJSON(t, our)
			// Upstream follows a stage's dependencies in map order, so when
			// two of them declare the same ARG, which declaration it lists
			// varies between runs. Ours follows them in Dockerfile order:
			// it must be one of upstream's answers.
			for i := 0; i < 20 && u != o; i++ {
				if again, err := outlineWith(dc.Data, opts, true); err == nil {
					u = outlineJSON(t, again)
				}
			}
			if u != o {
				t.Errorf("%s: outline differs:\n%s", name, unifiedDiff("upstream", "ours", u, o, 3))
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d outlines compared; want at least 20", compared)
	}
	t.Logf("outline equal on %d (Dockerfile, target) pairs; %d fail in both", compared, errs)
}

func outlineWith(dt []byte, c caseOpts, up bool) (*outline.Outline, error) {
	cfg, tp, err := dockeruiConfig(c)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	return catchPanic(func() (*outline.Outline, error) {
		if up {
			return upstream.Dockerfile2Outline(ctx, dt, upstream.ConvertOpt{
				Config: cfg, TargetPlatform: tp, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(),
			})
		}
		return ours.Outline(ctx, dt, ours.ConvertOpt{
			Config: cfg, TargetPlatform: tp, MetaResolver: fakeresolver.New(), LLBCaps: allCaps(),
		})
	})
}

// outlineJSON orders what upstream leaves in map order (entries declared
// on the same line) by name, then marshals.
func outlineJSON(t *testing.T, o *outline.Outline) string {
	line := func(l *pb.Location) int {
		if l == nil || len(l.Ranges) == 0 {
			return 0
		}
		return int(l.Ranges[0].Start.Line)
	}
	sort.SliceStable(o.Args, func(i, j int) bool {
		a, b := o.Args[i], o.Args[j]
		return line(a.Location) < line(b.Location) || line(a.Location) == line(b.Location) && a.Name < b.Name
	})
	sort.SliceStable(o.Secrets, func(i, j int) bool {
		a, b := o.Secrets[i], o.Secrets[j]
		return line(a.Location) < line(b.Location) || line(a.Location) == line(b.Location) && a.Name < b.Name
	})
	sort.SliceStable(o.SSH, func(i, j int) bool {
		a, b := o.SSH[i], o.SSH[j]
		return line(a.Location) < line(b.Location) || line(a.Location) == line(b.Location) && a.Name < b.Name
	})
	return mustJSON(t, o)
}

func mustJSON(t *testing.T, v any) string {
	dt, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(dt)
}

func catchPanic[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(fmt.Sprint("panic: ", r))
		}
	}()
	return f()
}
