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
		noTriggers(t, r)
	}
	kinds := []struct {
		name  string
		setup func(t *testing.T) *scenario
		check func(t *testing.T, r *result)
	}{
		{"docker-image", func(t *testing.T) *scenario {
			ref := e.registry + "/multistage/onbuild-context:" + freshNonce(t)
			pushImage(t, e, ref, baseImage)
			return &scenario{dockerfile: dockerfile, attrs: map[string]string{"context:base": "docker-image://" + ref}}
		}, check},
		{"oci-layout", func(t *testing.T) *scenario {
			store, dgst := buildOCILayout(t, e, baseImage)
			return &scenario{
				dockerfile: dockerfile,
				attrs:      map[string]string{"context:base": "oci-layout://onbuildstore@" + dgst},
				attach:     attachments{ociStores: map[string]content.Store{"onbuildstore": store}},
			}
		}, check},
		// A context replacing the target stage: its triggers are consumed
		// without running, as upstream does, and the image has none.
		{"replaced-target", func(t *testing.T) *scenario {
			ref := e.registry + "/multistage/onbuild-context:" + freshNonce(t)
			pushImage(t, e, ref, baseImage)
			return &scenario{
				// (Upstream still resolves what the triggers name, so
				// otherstage must exist.)
				dockerfile: "FROM busybox AS otherstage\nFROM {{REGISTRY}}/multistage/never-pushed:never AS base\nRUN false\n",
				attrs:      map[string]string{"context:base": "docker-image://" + ref},
				target:     "base",
			}
		}, func(t *testing.T, r *result) {
			wantNoFile(t, r, "out/foo")
			noTriggers(t, r)
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			b := k.setup(t)
			forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
				k.check(t, b.mustBuild(t, e, m))
			})
		})
	}
}

// noTriggers fails when the exported image still declares ONBUILD
// triggers: the stage that ran them (or dropped them) consumed them.
func noTriggers(t *testing.T, r *result) {
	t.Helper()
	if ob := exportedConfig(t, r).Config.OnBuild; len(ob) != 0 {
		t.Errorf("exported image keeps ONBUILD %q", ob)
	}
}
