package gateway_test

// The subrequests of a Dockerfile that INCLUDEs another, through the real
// gateway glue: the included file is read through the include reader, and
// the answers name it.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/targets"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

func callWithInclude(t *testing.T, requestID string) map[string][]byte {
	t.Helper()
	opts := map[string]string{"requestid": requestID, "frontend.caps": "moby.buildkit.frontend.subrequests"}
	files := map[string][]byte{
		"Dockerfile":           []byte("INCLUDE docker/go.Dockerfile AS go\nFROM go.build AS api\n"),
		"docker/go.Dockerfile": []byte("FROM golang:1.22 AS build\nMAINTAINER me\n"),
	}
	res, err := gateway.Build(context.Background(), &fakeClient{opts: opts, files: files, res: fakeresolver.New()})
	if err != nil {
		t.Fatalf("%s: %v", requestID, err)
	}
	return res.Metadata
}

func TestCallsWithInclude(t *testing.T) {
	var l targets.List
	if err := json.Unmarshal(callWithInclude(t, "frontend.targets")["result.json"], &l); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range l.Targets {
		names = append(names, fmt.Sprintf("%s@%d", tg.Name, tg.Location.SourceIndex))
	}
	if want := []string{"go.build@1", "api@0"}; !slices.Equal(names, want) || len(l.Sources) != 2 {
		t.Errorf("targets %q with %d sources, want %q and 2", names, len(l.Sources), want)
	}

	var r lint.LintResults
	if err := json.Unmarshal(callWithInclude(t, "frontend.lint")["result.json"], &r); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	for _, w := range r.Warnings {
		warnings = append(warnings, fmt.Sprintf("%s %s:%d", w.RuleName, r.Sources[w.Location.SourceIndex].Filename, w.Location.Ranges[0].Start.Line))
	}
	if want := []string{"MaintainerDeprecated docker/go.Dockerfile:2"}; !slices.Equal(warnings, want) {
		t.Errorf("lint warnings %q, want %q", warnings, want)
	}
}
