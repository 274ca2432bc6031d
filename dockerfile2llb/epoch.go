package dockerfile2llb

import (
	"strconv"
	"time"

	"github.com/pkg/errors"
)

// sourceDateEpoch reads SOURCE_DATE_EPOCH from the build args or the
// global ARGs. History entries and created directories are stamped with
// it, so two builds of the same sources produce the same image.
func (c *converter) sourceDateEpoch() (*time.Time, error) {
	v, ok := c.opt.BuildArgs["SOURCE_DATE_EPOCH"]
	if !ok {
		v, _ = c.df.GlobalArgs.Get("SOURCE_DATE_EPOCH")
	}
	if v == "" {
		return nil, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, errors.Errorf("SOURCE_DATE_EPOCH=%q: must be a whole number of seconds since 1970-01-01 UTC", v)
	}
	t := time.Unix(sec, 0).UTC()
	return &t, nil
}
