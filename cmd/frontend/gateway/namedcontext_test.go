package gateway_test

import (
	"context"
	"testing"

	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/myorg/multistage/internal/fakeresolver"
)

// A named context is loaded once a build, however often the graph is built
// again: reading its ONBUILD triggers loads it before the stages are
// converted, and an image's triggers joining the graph then makes every
// node new.
func TestNamedContextLoadedOnce(t *testing.T) {
	const ctxImage = "example.com/ctx/base:1"
	for _, tc := range []struct {
		name, dockerfile string
	}{
		{"graph rebuilt by triggers", "FROM " + fakeresolver.OnBuildImage + " AS a\nFROM base AS b\nRUN true\nFROM scratch\nCOPY --from=a / /a\nCOPY --from=b / /b\n"},
		{"graph as built", "FROM base AS b\nRUN true\nFROM scratch\nCOPY --from=b / /b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClient{
				opts:  map[string]string{"context:base": "docker-image://" + ctxImage},
				files: map[string][]byte{"Dockerfile": []byte(tc.dockerfile)},
				res:   fakeresolver.New(),
			}
			if _, err := gateway.Build(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			if n := c.res.Calls(ctxImage); n != 1 {
				t.Errorf("the context's image was resolved %d times, want 1 (%v)", n, c.res.Counts())
			}
		})
	}
}
