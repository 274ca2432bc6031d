package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/safe"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
)

// Several targets (target=a,b) build in one solve: each converts exactly
// as it would alone, so stages they share have the same digests and the
// solver runs them once. The result holds one ref per target, keyed by
// the target's name in the platforms map, which is what the local and tar
// exporters name their directories after: out/<target>/... With several
// platforms, a target's ref holds one directory per platform
// (out/<target>/linux_amd64/...), as a single-target build lays them out.

// buildTargets builds the targets opt.Target lists into one result.
func buildTargets(ctx context.Context, c client.Client, bc *dockerui.Client, dt []byte, opt dockerfile2llb.ConvertOpt) (*client.Result, error) {
	// Every name is checked, and reported, before anything is built; the
	// directories carry the stages' own (lower-case) names.
	g, err := dockerfile2llb.StageGraph(ctx, dt, opt)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, t := range g.Targets {
		names = append(names, t.DisplayName())
	}
	scan, err := newSBOMScan(ctx, c, bc)
	if err != nil {
		return nil, err
	}
	if scan != nil && len(bc.TargetPlatforms) > 1 {
		// One ref per target holds every platform's files, so the
		// exporters would meet one SBOM of each name per platform.
		return nil, errors.New("--attest type=sbom with several targets needs a single platform: build them one platform at a time, or one target at a time")
	}
	opt.Warn = onceWarn(opt.Warn)
	opt.WarnFile = onceWarnFile(opt.WarnFile)
	out := client.NewResult()
	exp := exptypes.Platforms{Platforms: make([]exptypes.Platform, len(names))}
	var mu sync.Mutex
	eg, ctx := errgroup.WithContext(ctx)
	for i, name := range names {
		eg.Go(func() (err error) {
			defer safe.Recover(&err, "building target "+name)
			topt := opt
			topt.Target = name
			rb, err := buildPlatforms(ctx, c, bc, dt, topt, scan.fresh())
			if err != nil {
				return withContext(err, fmt.Sprintf("target %q", name))
			}
			one, err := rb.Finalize()
			if err != nil {
				return err
			}
			ref, p, err := targetRef(ctx, c, bc, one)
			if err != nil {
				return withContext(err, fmt.Sprintf("target %q", name))
			}
			mu.Lock()
			defer mu.Unlock()
			out.AddRef(name, ref)
			exp.Platforms[i] = exptypes.Platform{ID: name, Platform: p}
			// A single platform (the only one an SBOM scan allows):
			// its attestations are the target's.
			for _, id := range slices.Sorted(maps.Keys(one.Attestations)) {
				for _, a := range one.Attestations[id] {
					out.AddAttestation(name, a)
				}
			}
			for _, key := range []string{exptypes.ExporterImageConfigKey, exptypes.ExporterImageBaseConfigKey} {
				if v, ok := one.Metadata[key]; ok {
					out.AddMeta(key+"/"+name, v)
				}
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	dtp, err := json.Marshal(exp)
	if err != nil {
		return nil, err
	}
	out.AddMeta(exptypes.ExporterPlatformsKey, dtp)
	return out, nil
}

// targetRef is the single ref of one target's result, and its platform.
// A multi-platform result becomes one ref holding a directory per
// platform, named as the local exporter names them.
func targetRef(ctx context.Context, c client.Client, bc *dockerui.Client, res *client.Result) (client.Reference, ocispecs.Platform, error) {
	ps, err := exptypes.ParsePlatforms(res.Metadata)
	if err != nil {
		return nil, ocispecs.Platform{}, err
	}
	if res.Ref != nil {
		return res.Ref, ps.Platforms[0].Platform, nil
	}
	st := llb.Scratch()
	for _, p := range ps.Platforms {
		pst, err := res.Refs[p.ID].ToState()
		if err != nil {
			return nil, ocispecs.Platform{}, err
		}
		st = st.File(llb.Copy(pst, "/", "/"+platformDir(p.ID)+"/", &llb.CopyInfo{CopyDirContentsOnly: true, CreateDestPath: true}),
			llb.WithCustomNamef("collect %s", p.ID))
	}
	ref, err := solveRef(ctx, c, st, "the platforms of one target", client.SolveRequest{CacheImports: bc.CacheImports})
	return ref, ps.Platforms[0].Platform, err
}

// platformDir is the directory name the local exporter gives a platform
// ID ("linux/arm64" -> "linux_arm64").
func platformDir(id string) string {
	return strings.NewReplacer("/", "_", `\`, "_", ":", "_").Replace(id)
}

// onceWarn passes each distinct warning on once: the targets' conversions
// share stages and would repeat their warnings.
func onceWarn(warn func(rule, description, url, msg string, loc []parser.Range)) func(rule, description, url, msg string, loc []parser.Range) {
	if warn == nil {
		return nil
	}
	var seen onceKeys
	return func(rule, description, url, msg string, loc []parser.Range) {
		if seen.first(warningKey(0, rule, msg, loc)) {
			warn(rule, description, url, msg, loc)
		}
	}
}

// onceWarnFile is onceWarn for the warnings about included files: each
// conversion reads the files again, so a file is known by its index.
func onceWarnFile(warn dockerfile2llb.WarnFileFunc) dockerfile2llb.WarnFileFunc {
	if warn == nil {
		return nil
	}
	var seen onceKeys
	return func(file *stages.Source, rule, description, url, msg string, loc []parser.Range) {
		if seen.first(warningKey(file.Index, rule, msg, loc)) {
			warn(file, rule, description, url, msg, loc)
		}
	}
}

// warningKey identifies a warning: its file, rule, message and line.
func warningKey(file int, rule, msg string, loc []parser.Range) string {
	key := fmt.Sprintf("%d\x00%s\x00%s", file, rule, msg)
	if len(loc) > 0 {
		key += fmt.Sprintf("\x00%d", loc[0].Start.Line)
	}
	return key
}

// onceKeys says whether a key is met for the first time.
type onceKeys struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (o *onceKeys) first(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[key] {
		return false
	}
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	o.seen[key] = true
	return true
}
