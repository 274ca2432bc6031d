package dockerfile2llb

import (
	"path"
	"path/filepath"

	"github.com/moby/buildkit/client/llb"
	"github.com/myorg/multistage/stages"
)

// pathSet holds the paths a build reads from a local context, rooted at
// "/". "/" itself means the whole context, and so does an empty set: a
// context nobody narrowed is sent as it is.
type pathSet map[string]struct{}

// add records src (as written in COPY or --mount source=) as used.
func (ps pathSet) add(src string) {
	ps[path.Join("/", filepath.ToSlash(src))] = struct{}{}
}

// localOpts limits a local source to the set. Named contexts call it when
// their state is marshalled, after every stage has added its paths.
func (ps pathSet) localOpts() []llb.LocalOption {
	if paths := contextPaths(ps); len(paths) > 0 {
		return []llb.LocalOption{llb.FollowPaths(paths)}
	}
	return nil
}

// namedPaths is the path set of the named context n (a --build-context
// replacing a stage, or one that a FROM or --from names). A context used
// as a base needs all of it, as RUN may read anything; a COPY --from or a
// mount adds only its own source, as for the main context. Like the loaded
// context, the set is found by the context's name.
func (c *converter) namedPaths(n *stages.Node) pathSet {
	ps, ok := c.namedCtxPaths[n.Name]
	if !ok {
		ps = pathSet{}
		c.namedCtxPaths[n.Name] = ps
	}
	return ps
}

// useWhole marks all of n as used when n is a named context.
func (c *converter) useWhole(n *stages.Node) {
	if n != nil && n.Kind == stages.KindContext {
		c.namedPaths(n).add("/")
	}
}

// copySink is where a COPY or a bind mount records its source paths: the
// main context, a named context, or nowhere (a stage or an image).
func (c *converter) copySink(from *stages.Node) pathSet {
	switch {
	case from == nil:
		return c.ctxPaths
	case from.Kind == stages.KindContext:
		return c.namedPaths(from)
	default:
		return nil
	}
}
