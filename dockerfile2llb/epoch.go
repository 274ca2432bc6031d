package dockerfile2llb

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/pkg/errors"
)

const epochKey = "SOURCE_DATE_EPOCH"

// epochSource is where a SOURCE_DATE_EPOCH that is not a number takes its
// time from: the main context, a named context or a source-only stage,
// whichever is a git checkout or a download. Any other source (a local
// directory, an image) leaves the epoch unset, as upstream does.
type epochSource struct {
	load    func(ctx context.Context) (*llb.State, error)
	logName string
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH from the build args or the
// global ARGs. History entries and created directories are stamped with
// it, so two builds of the same sources produce the same image. A number
// of seconds is used as it is; the other forms are checked here and read
// by resolveEpoch once a build has a context to ask.
func (c *converter) sourceDateEpoch() error {
	v, fromBuildArg := c.opt.BuildArgs[epochKey]
	if !fromBuildArg {
		v, _ = c.df.GlobalArgs.Get(epochKey)
	}
	if v == "" {
		return nil
	}
	if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
		t := time.Unix(sec, 0).UTC()
		c.epoch = &t
		return nil
	}
	where := fmt.Sprintf("the build arg %s=%q", epochKey, v)
	if !fromBuildArg {
		where = fmt.Sprintf("ARG %s=%q", epochKey, v)
	}
	src, err := c.epochSourceFor(v, where)
	if err != nil && !fromBuildArg {
		err = parser.WithLocation(err, c.globalArgLocation(epochKey))
	}
	c.pendingEpoch = src
	return err
}

// epochSourceFor reads the forms upstream accepts besides a number:
// "context", the name of a named context, or the name of a stage. where
// says where v was given, for the error.
func (c *converter) epochSourceFor(v, where string) (*epochSource, error) {
	if v == "context" {
		return &epochSource{logName: "[internal] resolve main build context metadata", load: func(ctx context.Context) (*llb.State, error) {
			if c.opt.Client == nil {
				return nil, nil
			}
			return c.opt.Client.MainContext(ctx)
		}}, nil
	}
	if c.hasNamedContext(v) {
		c.epochContext = v
		return &epochSource{logName: "[internal] resolve SOURCE_DATE_EPOCH named context " + v, load: func(ctx context.Context) (*llb.State, error) {
			nc, err := c.opt.Client.NamedContext(v, dockerui.ContextOpt{})
			if err != nil || nc == nil {
				return nil, err
			}
			st, _, err := nc.Load(ctx)
			return st, err
		}}, nil
	}
	for _, n := range c.graph.Stages {
		if n.Name == "" || !strings.EqualFold(n.Name, v) {
			continue
		}
		st, err := c.epochStageSource(n)
		if err != nil {
			return nil, parser.WithLocation(err, n.Stage.Location)
		}
		return &epochSource{logName: "[internal] resolve SOURCE_DATE_EPOCH source stage " + n.Name, load: func(context.Context) (*llb.State, error) {
			return st, nil
		}}, nil
	}
	return nil, errors.Errorf("invalid SOURCE_DATE_EPOCH: %s: %s is invalid: it must be a whole number of seconds since 1970-01-01 UTC "+
		"(such as the output of git log -1 --format=%%ct), \"context\", or the name of a named context or of a stage", v, where)
}

// resolveEpoch reads the time of a pending epoch source and puts the
// number in place of the value in the build args and global ARGs, so
// ARG SOURCE_DATE_EPOCH in a stage sees the seconds. Unresolved (offline,
// or a source without a time) it is removed from both, as upstream does.
func (c *converter) resolveEpoch(ctx context.Context) error {
	if c.pendingEpoch == nil {
		return nil
	}
	st, err := c.pendingEpoch.load(ctx)
	if err != nil {
		return errors.Wrap(err, "SOURCE_DATE_EPOCH")
	}
	if st != nil && c.opt.Client != nil {
		if c.epoch, err = epochFromState(ctx, *st, c.opt.Client, c.pendingEpoch.logName); err != nil {
			return errors.Wrap(err, "SOURCE_DATE_EPOCH")
		}
	}
	c.publishEpoch()
	return nil
}

// publishEpoch replaces SOURCE_DATE_EPOCH where it was given with the
// resolved seconds, or removes it.
func (c *converter) publishEpoch() {
	v := ""
	if c.epoch != nil {
		v = strconv.FormatInt(c.epoch.Unix(), 10)
	}
	if _, ok := c.opt.BuildArgs[epochKey]; ok {
		c.opt.BuildArgs = maps.Clone(c.opt.BuildArgs) // the caller's map is shared
		if v == "" {
			delete(c.opt.BuildArgs, epochKey)
		} else {
			c.opt.BuildArgs[epochKey] = v
		}
	}
	if _, ok := c.df.GlobalArgs.Get(epochKey); ok {
		if v == "" {
			c.df.GlobalArgs.Delete(epochKey)
		} else {
			c.df.GlobalArgs.Set(epochKey, v)
		}
	}
}

// globalArgLocation is where the global ARG key was last declared.
func (c *converter) globalArgLocation(key string) []parser.Range {
	var loc []parser.Range
	for _, a := range c.df.Declared {
		if a.Key == key {
			loc = a.Location
		}
	}
	return loc
}
