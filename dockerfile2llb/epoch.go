package dockerfile2llb

import (
	"strconv"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"
)

// sourceDateEpoch reads SOURCE_DATE_EPOCH from the build args or the
// global ARGs. History entries and created directories are stamped with
// it, so two builds of the same sources produce the same image.
func (c *converter) sourceDateEpoch() (*time.Time, error) {
	v, fromBuildArg := c.opt.BuildArgs["SOURCE_DATE_EPOCH"]
	if !fromBuildArg {
		v, _ = c.df.GlobalArgs.Get("SOURCE_DATE_EPOCH")
	}
	if v == "" {
		return nil, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err == nil {
		t := time.Unix(sec, 0).UTC()
		return &t, nil
	}
	const want = "it must be a whole number of seconds since 1970-01-01 UTC, such as the output of git log -1 --format=%ct"
	if fromBuildArg {
		return nil, errors.Errorf("the build arg SOURCE_DATE_EPOCH=%q is invalid: %s", v, want)
	}
	return nil, parser.WithLocation(errors.Errorf("ARG SOURCE_DATE_EPOCH=%q is invalid: %s", v, want), c.globalArgLocation("SOURCE_DATE_EPOCH"))
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
