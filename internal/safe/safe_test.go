package safe

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestRecover(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func() error
		want string // "" = no error
	}{
		{"no panic", func() error { return nil }, ""},
		{"error kept", func() error { return errors.New("plain") }, "plain"},
		{"panic value", func() error { panic("boom") }, "internal error while testing: panic: boom; please report it"},
		{"runtime error", func() error { var s []int; return errors.New(strconv.Itoa(s[len(s)])) }, "panic: runtime error: index out of range [0] with length 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := func() (err error) {
				defer Recover(&err, "testing")
				return tc.f()
			}()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
