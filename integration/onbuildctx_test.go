package integration

import (
	"testing"

	"github.com/containerd/containerd/v2/core/content"
)

// TestOnBuildNamedContext (issue 9, item 2): the ONBUILD triggers of an
// image given as a named context run in the stage built FROM it, and a
// trigger's COPY --from joins the graph, so the stage it names is built
// although nothing in the Dockerfile refers to it.
func TestOnBuildNamedContext(t *testing.T) {
	e := requireRegistry(t)
	t.Parallel()
	const baseImage = `
FROM busybox
ONBUILD COPY --from=otherstage /testfile /out/foo
ONBUILD RUN cat /out/foo > /out/ran
`
	const dockerfile = `
FROM busybox AS otherstage
RUN echo -n hello > /testfile

FROM base
RUN cat /out/ran > /out/seen
`
	check := func(t *testing.T, r *result) {
		wantFile(t, r, "out/foo", "hello")
		wantFile(t, r, "out/ran", "hello")
		wantFile(t, r, "out/seen", "hello")
	}
	kinds := []struct {
		name  string
		setup func(t *testing.T) *surfaceBuild
	}{
		{"docker-image", func(t *testing.T) *surfaceBuild {
			ref := e.registry + "/multistage/onbuild-context:" + freshNonce(t)
			pushImage(t, e, ref, baseImage)
			return &surfaceBuild{dockerfile: dockerfile, attrs: map[string]string{"context:base": "docker-image://" + ref}}
		}},
		{"oci-layout", func(t *testing.T) *surfaceBuild {
			store, dgst := buildOCILayout(t, e, baseImage)
			return &surfaceBuild{
				dockerfile: dockerfile,
				attrs:      map[string]string{"context:base": "oci-layout://onbuildstore@" + dgst},
				ociStores:  map[string]content.Store{"onbuildstore": store},
			}
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			b := k.setup(t)
			forEachSurfaceMode(t, surfaceModes, func(t *testing.T, m mode) {
				check(t, b.mustBuild(t, e, m))
			})
		})
	}
}
