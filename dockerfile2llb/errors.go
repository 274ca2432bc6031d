package dockerfile2llb

import (
	"regexp"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/internal/errdetail"
)

// withLine wraps err with a message and the Dockerfile ranges it concerns.
func withLine(err error, loc []parser.Range, format string, args ...any) error {
	return parser.WithLocation(errors.Wrapf(err, format, args...), loc)
}

// fixes complete BuildKit's parser and lexer errors that say what is wrong
// but not what would be right. The first match wins.
var fixes = []struct {
	re  *regexp.Regexp
	fix string
}{
	{regexp.MustCompile(`unsupported mount type "`), "use type=bind, cache, tmpfs, secret or ssh"},
	{regexp.MustCompile(`unsupported sharing value "`), "use sharing=shared, private or locked"},
	{regexp.MustCompile(`failed to parse csv mounts`), "write --mount=type=TYPE,target=PATH[,KEY=VALUE...]"},
	{regexp.MustCompile(`invalid value \S* for mode$`), "mode is an octal permission such as 0755"},
	{regexp.MustCompile(`invalid value \S* for (uid|gid)$`), "uid and gid are numeric ids"},
	{regexp.MustCompile(`invalid value for size: `), "size is a number of bytes, or one with a unit such as 64m or 1g"},
	{regexp.MustCompile(`invalid value for (required|ro|rw|readonly|readwrite): `), "use true or false"},
	{regexp.MustCompile(`invalid network mode "`), "use --network=default, none or host"},
	{regexp.MustCompile(`security ".*" is not valid`), "use --security=sandbox or insecure"},
	{regexp.MustCompile(`time: invalid duration "`), "HEALTHCHECK durations are written like 30s, 1m30s or 500ms"},
	{regexp.MustCompile(`unsupported modifier \(\x{FFFD}\) in substitution`), "a ${ is missing its closing }"},
}

// withFix appends the fix for a known library error; other errors, and
// nil, are returned unchanged.
func withFix(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, f := range fixes {
		if f.re.MatchString(msg) {
			return errdetail.Append(err, "%s", f.fix)
		}
	}
	return err
}
