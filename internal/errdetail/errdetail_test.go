package errdetail

import (
	"errors"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func TestAppend(t *testing.T) {
	if Append(nil, "x") != nil {
		t.Fatal("nil must stay nil")
	}
	base := parser.WithLocation(errors.New("invalid stage index 3"), []parser.Range{{Start: parser.Position{Line: 4}}})
	err := Append(base, "the Dockerfile has stages 0 to %d", 1)
	if got, want := err.Error(), "invalid stage index 3; the Dockerfile has stages 0 to 1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var le *parser.LocationError
	if !errors.As(err, &le) || le.Locations[0][0].Start.Line != 4 {
		t.Errorf("the location was lost: %#v", err)
	}
}
