package dockerfile2llb

import (
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/myorg/multistage/stages"
)

// SBOMTargets is what an SBOM generator scans under --attest type=sbom:
// the target's filesystem, plus the stages and the build context that
// BUILDKIT_SBOM_SCAN_STAGE and BUILDKIT_SBOM_SCAN_CONTEXT ask for, keyed
// by stage name ("context" for the build context).
type SBOMTargets struct {
	Core   llb.State
	Extras map[string]llb.State
	// IgnoreCache is set when the no-cache option covers a scanned stage,
	// so the scan runs again too.
	IgnoreCache bool
}

// sbomTargets collects the scan sources. A stage opts in with its own ARG
// (or an inherited one); a global ARG of the same name is the default.
// Either holds true/false or a comma-separated list of stage names. As
// upstream does, a build arg alone, without a declaration, enables nothing.
func (c *converter) sbomTargets(target *stageState) *SBOMTargets {
	t := &SBOMTargets{Core: target.state, Extras: map[string]llb.State{}, IgnoreCache: target.ignoresCache()}
	if c.scanRequested(target, "BUILDKIT_SBOM_SCAN_CONTEXT") {
		t.Extras["context"] = llb.NewState(c.buildContext)
	}
	for _, n := range c.graph.Order {
		s := c.states[n]
		if n == c.graph.Target || n.Kind == stages.KindContext || s == nil {
			continue
		}
		if c.scanRequested(s, "BUILDKIT_SBOM_SCAN_STAGE") {
			t.Extras[n.DisplayName()] = s.state
			t.IgnoreCache = t.IgnoreCache || s.ignoresCache()
		}
	}
	return t
}

// scanRequested reads the SBOM ARG key as stage s sees it.
func (c *converter) scanRequested(s *stageState, key string) bool {
	on := false
	if v, ok := c.df.GlobalArgs.Get(key); ok {
		on = enabledFor(s.node.DisplayName(), v)
	}
	for _, a := range s.args {
		if a.Key == key && a.Value != nil {
			on = enabledFor(s.node.DisplayName(), *a.Value)
		}
	}
	return on
}

// enabledFor reads a boolean, or else a list of the stage names it covers.
func enabledFor(stage, value string) bool {
	if b, err := strconv.ParseBool(value); err == nil {
		return b
	}
	return slices.Contains(strings.Split(value, ","), stage)
}
