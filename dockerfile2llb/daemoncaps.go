package dockerfile2llb

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	digest "github.com/opencontainers/go-digest"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/stages"
)

// daemonFeature is the Dockerfile syntax behind an LLB capability and the
// first BuildKit release whose daemon has it (from solver/pb/caps.go of
// each release; v0.8.0 is the oldest we looked at).
type daemonFeature struct {
	syntax string
	since  string
	fix    string
}

// daemonFeatures covers the capabilities our conversion can ask for.
// A capability missing from this table is still refused, by its ID.
var daemonFeatures = map[apicaps.CapID]daemonFeature{
	pb.CapFileCopyModeStringFormat:       {"COPY/ADD --chmod with a symbolic mode (u+x)", "v0.17.0", "use an octal mode such as 0755"},
	pb.CapFileCopyRequiredPaths:          {"COPY --parents of a path without wildcards", "v0.26.0", "drop --parents or add a wildcard"},
	pb.CapFileCopyIncludeExcludePatterns: {"COPY/ADD --exclude or --parents", "v0.9.0", ""},
	pb.CapMergeOp:                        {"COPY/ADD --link", "v0.10.0", "drop --link"},
	pb.CapSourceGitChecksum:              {"ADD --checksum of a Git URL", "v0.22.0", "drop --checksum"},
	pb.CapSourceGitSkipSubmodules:        {"ADD of a Git URL with submodules=false", "v0.24.0", ""},
	pb.CapSourceGitFetchByCommit:         {"ADD of a Git URL at a commit", "v0.30.0", ""},
	pb.CapSourceGitSubdir:                {"ADD of a Git URL with a subdirectory (#ref:dir)", "v0.9.0", ""},
	pb.CapSourceGitKeepDir:               {"ADD --keep-git-dir", "v0.8.0", ""},
	pb.CapSourceHTTPChecksum:             {"ADD --checksum of a URL", "v0.8.0", ""},
	pb.CapExecMountSecret:                {"RUN --mount=type=secret", "v0.8.0", ""},
	pb.CapExecSecretEnv:                  {"RUN --mount=type=secret,env=", "v0.10.0", "mount the secret as a file"},
	pb.CapExecMountSSH:                   {"RUN --mount=type=ssh", "v0.8.0", ""},
	pb.CapExecMountCache:                 {"RUN --mount=type=cache", "v0.8.0", ""},
	pb.CapExecMountCacheSharing:          {"RUN --mount=type=cache,sharing=", "v0.8.0", ""},
	pb.CapExecMountTmpfs:                 {"RUN --mount=type=tmpfs", "v0.8.0", ""},
	pb.CapExecMountTmpfsSize:             {"RUN --mount=type=tmpfs,size=", "v0.10.0", "drop size="},
	pb.CapExecMountBind:                  {"RUN --mount=type=bind", "v0.8.0", ""},
	pb.CapExecMetaNetwork:                {"RUN --network", "v0.8.0", ""},
	pb.CapExecMetaSecurity:               {"RUN --security", "v0.8.0", ""},
	pb.CapExecMetaCDI:                    {"RUN --device", "v0.20.0", ""},
}

// unadvertised maps a capability that no daemon reports (it is defined but
// never registered, up to v0.34.2 at least) to one that arrived in the same
// release, which stands in for it.
var unadvertised = map[apicaps.CapID]apicaps.CapID{
	pb.CapFileCopyModeStringFormat: pb.CapExecValidExitCode, // both v0.17.0
}

// daemonSupports reports whether the daemon has capability id.
func daemonSupports(caps *apicaps.CapSet, id apicaps.CapID) bool {
	if sign, ok := unadvertised[id]; ok {
		id = sign
	}
	return caps.Supports(id) == nil
}

// checkDaemonCaps marshals st as the daemon will receive it and refuses it,
// before anything is built, when an op needs an LLB capability the daemon
// lacks. The daemon checks the capabilities in op metadata itself, but only
// names their IDs; and the LLB library never records the copy-action
// capabilities there, so an old daemon would drop a symbolic --chmod and
// build a file with mode 0 instead of failing.
func (c *converter) checkDaemonCaps(ctx context.Context, st llb.State) error {
	caps := c.opt.LLBCaps
	if caps == nil || c.daemonHasEveryCap() {
		return nil
	}
	def, err := st.Marshal(ctx, llb.WithCaps(*caps))
	if err != nil {
		return err
	}
	var first *missingCap
	for _, dt := range def.Def {
		dgst := digest.FromBytes(dt)
		need, err := opCaps(dt, def.Metadata[dgst].Caps)
		if err != nil {
			return err
		}
		for _, id := range need {
			if !daemonSupports(caps, id) {
				m := &missingCap{id: id, loc: c.opLocation(def, dgst)}
				if first == nil || m.before(first) {
					first = m
				}
			}
		}
	}
	if first == nil {
		return nil
	}
	return first.error()
}

// daemonHasEveryCap is supportsEverything for the converter's daemon, asked
// once: the target and every off-path stage are checked.
func (c *converter) daemonHasEveryCap() bool {
	if c.everyCap == nil {
		v := supportsEverything(c.opt.LLBCaps)
		c.everyCap = &v
	}
	return *c.everyCap
}

// supportsEverything reports a daemon with every LLB capability this
// BuildKit library knows: nothing can be missing, so the definition need
// not be marshalled a second time to find out.
func supportsEverything(caps *apicaps.CapSet) bool {
	for _, id := range allLLBCaps() {
		if !daemonSupports(caps, id) {
			return false
		}
	}
	return true
}

// allLLBCaps lists the LLB capabilities once: the library sorts a fresh
// copy on every call.
var allLLBCaps = sync.OnceValue(func() []apicaps.CapID {
	var ids []apicaps.CapID
	for _, c := range pb.Caps.All() {
		ids = append(ids, apicaps.CapID(c.ID))
	}
	return ids
})

// opCaps is what one marshalled op needs: the capabilities in its metadata
// and those its copy actions imply, sorted.
func opCaps(dt []byte, meta map[apicaps.CapID]bool) ([]apicaps.CapID, error) {
	need := map[apicaps.CapID]bool{}
	for id, on := range meta {
		need[id] = on
	}
	var op pb.Op
	if err := op.Unmarshal(dt); err != nil {
		return nil, errors.Wrap(err, "reading back the LLB definition")
	}
	for _, a := range op.GetFile().GetActions() {
		cp := a.GetCopy()
		if cp == nil {
			continue
		}
		need[pb.CapFileCopyIncludeExcludePatterns] = need[pb.CapFileCopyIncludeExcludePatterns] ||
			len(cp.IncludePatterns) > 0 || len(cp.ExcludePatterns) > 0
		need[pb.CapFileCopyRequiredPaths] = need[pb.CapFileCopyRequiredPaths] || len(cp.RequiredPaths) > 0
		need[pb.CapFileCopyModeStringFormat] = need[pb.CapFileCopyModeStringFormat] || cp.ModeStr != ""
		need[pb.CapFileCopyAlwaysReplaceExistingDestPaths] = need[pb.CapFileCopyAlwaysReplaceExistingDestPaths] ||
			cp.AlwaysReplaceExistingDestPaths
	}
	ids := make([]apicaps.CapID, 0, len(need))
	for id, on := range need {
		if on {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

type missingCap struct {
	id  apicaps.CapID
	loc []parser.Range
}

func (m *missingCap) line() int {
	if len(m.loc) == 0 {
		return 1 << 30
	}
	return m.loc[0].Start.Line
}

func (m *missingCap) before(o *missingCap) bool {
	if m.line() != o.line() {
		return m.line() < o.line()
	}
	return m.id < o.id
}

func (m *missingCap) error() error {
	f, ok := daemonFeatures[m.id]
	var err error
	if ok {
		msg := fmt.Sprintf("%s is not supported by this BuildKit daemon: it needs BuildKit %s or newer (LLB capability %s); upgrade BuildKit (or Docker Engine)", f.syntax, f.since, m.id)
		if f.fix != "" {
			msg += ", or " + f.fix
		}
		err = errors.New(msg)
	} else {
		err = errors.Errorf("this BuildKit daemon lacks the LLB capability %s that the build needs; upgrade BuildKit (or Docker Engine)", m.id)
	}
	if len(m.loc) == 0 {
		return err
	}
	return parser.WithLocation(err, m.loc)
}

// opLocation is the Dockerfile ranges the source map gives an op, in the
// build's line space: with included files, each location is read in the
// file its source index names.
func (c *converter) opLocation(def *llb.Definition, dgst digest.Digest) []parser.Range {
	if !c.multiFile() || def.Source == nil || def.Source.Locations[dgst.String()] == nil {
		return stages.OpRanges(def.Source, dgst.String())
	}
	var out []parser.Range
	for _, l := range def.Source.Locations[dgst.String()].Locations {
		one := &pb.Source{Locations: map[string]*pb.Locations{"": {Locations: []*pb.Location{l}}}}
		local := stages.OpRanges(one, "")
		if int(l.SourceIndex) < len(def.Source.Infos) {
			local = c.globalLocation(def.Source.Infos[l.SourceIndex].Filename, local)
		}
		out = append(out, local...)
	}
	return out
}
