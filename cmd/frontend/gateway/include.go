package gateway

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"sync"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

// includeReader reads the files INCLUDE and FROM ./f#s name. Each nesting
// level is one solve: the build context with only those files (never the
// whole context, and without .dockerignore: included files are build
// definition, read like the Dockerfile), and each named context the level
// reads, several contexts copied side by side into one state. Reads are
// memoised for the build: platforms, targets and subrequest passes that
// ask for the same file wait for one read.
type includeReader struct {
	c  client.Client
	bc *dockerui.Client

	mu   sync.Mutex
	memo map[includeKey]*includeRead
}

// includeKey is one file as read for one platform; the build context is
// the same for every platform, a named context (an image) may not be.
type includeKey struct {
	ref      stages.FileRef
	platform string
}

// includeRead is one file's read, done when done is closed.
type includeRead struct {
	done chan struct{}
	res  stages.FileResult
}

// includeSharedKey keeps the included files' transfer apart from the
// build context's: a local source with the same key and other paths
// would delete what the other transferred.
const includeSharedKey = "multistage-include"

func newIncludeReader(c client.Client, bc *dockerui.Client) *includeReader {
	return &includeReader{c: c, bc: bc, memo: map[includeKey]*includeRead{}}
}

// ReadFiles implements dockerfile2llb.IncludeReader.
func (r *includeReader) ReadFiles(ctx context.Context, p ocispecs.Platform, refs []stages.FileRef) ([]stages.FileResult, error) {
	reads, mine := r.claim(p, refs)
	if len(mine) > 0 {
		r.readLevel(ctx, p, mine)
	}
	out := make([]stages.FileResult, len(refs))
	for i, rd := range reads {
		select {
		case <-rd.done:
			out[i] = rd.res
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return out, nil
}

// claim finds each ref's read, creating those nobody started; the created
// ones are this call's to fill.
func (r *includeReader) claim(p ocispecs.Platform, refs []stages.FileRef) ([]*includeRead, map[stages.FileRef]*includeRead) {
	r.mu.Lock()
	defer r.mu.Unlock()
	reads := make([]*includeRead, len(refs))
	mine := map[stages.FileRef]*includeRead{}
	for i, ref := range refs {
		key := includeKey{ref: ref}
		if ref.Context != "" {
			key.platform = platforms.FormatAll(platforms.Normalize(p))
		}
		rd := r.memo[key]
		if rd == nil {
			rd = &includeRead{done: make(chan struct{})}
			r.memo[key] = rd
			mine[ref] = rd
		}
		reads[i] = rd
	}
	return reads, mine
}

// readLevel reads the files of mine in one solve and fills their reads.
func (r *includeReader) readLevel(ctx context.Context, p ocispecs.Platform, mine map[stages.FileRef]*includeRead) {
	defer func() {
		for _, rd := range mine {
			close(rd.done)
		}
	}()
	byContext := map[string][]string{}
	for ref := range mine {
		byContext[ref.Context] = append(byContext[ref.Context], ref.Path)
	}
	level := &includeLevel{}
	for _, name := range slices.Sorted(maps.Keys(byContext)) {
		paths := slices.Sorted(slices.Values(byContext[name]))
		st, err := r.contextState(ctx, name, p, paths)
		level.add(name, st, paths, err)
	}
	ref, err := level.solve(ctx, r.c)
	for fr, rd := range mine {
		if cerr := level.failed[fr.Context]; cerr != nil {
			rd.res = stages.FileResult{Err: cerr}
			continue
		}
		if err != nil {
			rd.res = stages.FileResult{Err: errors.Wrap(err, "reading the included files")}
			continue
		}
		rd.res = readIncluded(ctx, ref, level.pathOf(fr), stages.MaxIncludeFileBytes)
	}
}

// contextState is the state the files of context name are read from, or
// nil and ErrNoContext when the build has no such context.
func (r *includeReader) contextState(ctx context.Context, name string, p ocispecs.Platform, paths []string) (*llb.State, error) {
	if name == "" {
		return r.bc.MainContext(ctx, llb.FollowPaths(paths), llb.ExcludePatterns(nil),
			llb.SharedKeyHint(includeSharedKey), dockerui.WithInternalName("load included files"),
			llb.Differ(llb.DiffNone, false))
	}
	nc, err := r.bc.NamedContext(name, dockerui.ContextOpt{Platform: &p, NoDockerignore: true, AsyncLocalOpts: func() []llb.LocalOption {
		return []llb.LocalOption{llb.FollowPaths(paths), llb.SharedKeyHint(includeSharedKey + ":" + name),
			llb.WithCustomName("[context " + name + "] load included files")}
	}})
	if err != nil {
		return nil, err
	}
	if nc == nil {
		return nil, stages.ErrNoContext
	}
	st, _, err := nc.Load(ctx)
	if err != nil {
		return nil, errors.Wrapf(err, "reading build context %q", name)
	}
	if st == nil {
		return nil, stages.ErrNoContext
	}
	return st, nil
}

// readIncluded reads one file of ref: not there, a directory, too large,
// or its bytes.
func readIncluded(ctx context.Context, ref client.Reference, p string, limit int64) stages.FileResult {
	st, err := ref.StatFile(ctx, client.StatRequest{Path: p})
	if err != nil {
		return stages.FileResult{Err: stages.ErrNotExist, Siblings: siblings(ctx, ref, p)}
	}
	if os.FileMode(st.Mode).IsDir() {
		return stages.FileResult{Err: stages.ErrIsDir}
	}
	if st.Size > limit {
		return stages.FileResult{Err: &stages.TooLargeError{Size: st.Size, Limit: limit}}
	}
	dt, err := ref.ReadFile(ctx, client.ReadRequest{Filename: p, Range: &client.FileRange{Length: int(limit) + 1}})
	if err != nil {
		return stages.FileResult{Err: errors.Wrapf(err, "reading %s", p)}
	}
	if int64(len(dt)) > limit {
		return stages.FileResult{Err: &stages.TooLargeError{Size: int64(len(dt)), Limit: limit}}
	}
	return stages.FileResult{Data: dt}
}

// siblings are the names next to a missing file, for "did you mean".
func siblings(ctx context.Context, ref client.Reference, p string) []string {
	entries, err := ref.ReadDir(ctx, client.ReadDirRequest{Path: path.Dir(p)})
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Path)
	}
	slices.Sort(out)
	return out
}

// includeLevel is the state one level's read solves: one context as it
// is, or several copied into directories of their own.
type includeLevel struct {
	names  []string
	states []llb.State
	paths  [][]string
	failed map[string]error
}

func (l *includeLevel) add(name string, st *llb.State, paths []string, err error) {
	if err != nil {
		if l.failed == nil {
			l.failed = map[string]error{}
		}
		l.failed[name] = err
		return
	}
	l.names, l.states, l.paths = append(l.names, name), append(l.states, *st), append(l.paths, paths)
}

// state is the one state of the level, nil when no context loaded.
func (l *includeLevel) state() *llb.State {
	switch len(l.states) {
	case 0:
		return nil
	case 1:
		return &l.states[0]
	}
	st := llb.Scratch()
	for i, s := range l.states {
		st = st.File(llb.Copy(s, "/", fmt.Sprintf("/%d/", i), &llb.CopyInfo{
			IncludePatterns: l.paths[i], CopyDirContentsOnly: true, CreateDestPath: true, FollowSymlinks: true,
		}), llb.WithCustomName("[internal] load included files"))
	}
	return &st
}

func (l *includeLevel) solve(ctx context.Context, c client.Client) (client.Reference, error) {
	st := l.state()
	if st == nil {
		return nil, nil
	}
	return solveRef(ctx, c, *st, "the included files", client.SolveRequest{})
}

// pathOf is where ref is in the solved state.
func (l *includeLevel) pathOf(ref stages.FileRef) string {
	if len(l.states) < 2 {
		return ref.Path
	}
	i := slices.Index(l.names, ref.Context)
	return fmt.Sprintf("/%d/%s", i, ref.Path)
}
