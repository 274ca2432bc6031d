package dockerfile2llb

import (
	"reflect"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/solver/pb"

	"github.com/myorg/multistage/internal/fakeresolver"
)

// TestConfigMapsCopiedOnWrite: a stage shares its parent's ExposedPorts,
// Volumes and Labels until it writes one, and a write never reaches the
// parent. A chain of stages under one large EXPOSE range used to copy the
// range into every stage.
func TestConfigMapsCopiedOnWrite(t *testing.T) {
	df := `FROM busybox AS a
EXPOSE 1-1000
LABEL a=1
FROM a AS b
RUN true
FROM b AS c
LABEL c=1
VOLUME /v
EXPOSE 2000
`
	p := platforms.MustParse("linux/amd64")
	caps := pb.Caps.CapSet(pb.Caps.All())
	c, err := run(t.Context(), []byte(df), ConvertOpt{TargetPlatform: &p, MetaResolver: fakeresolver.New(), LLBCaps: &caps}, pass{depth: dispatched, allStages: true})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*stageState{}
	for n, s := range c.states {
		byName[n.Name] = s
	}
	a, b, cc := byName["a"].image.Config, byName["b"].image.Config, byName["c"].image.Config
	if reflect.ValueOf(a.ExposedPorts).Pointer() != reflect.ValueOf(b.ExposedPorts).Pointer() {
		t.Error("stage b copied its parent's ports without writing them")
	}
	if _, leaked := a.Labels["c"]; leaked || len(a.Volumes) != 0 || len(a.ExposedPorts) != len(b.ExposedPorts) {
		t.Errorf("stage a has %d ports (b %d), labels %v, volumes %v: a child's writes reached it", len(a.ExposedPorts), len(b.ExposedPorts), a.Labels, a.Volumes)
	}
	if len(cc.ExposedPorts) != len(a.ExposedPorts)+1 || cc.Labels["a"] != "1" || cc.Labels["c"] != "1" || len(cc.Volumes) != 1 {
		t.Errorf("stage c has %d ports (a %d), labels %v, volumes %v", len(cc.ExposedPorts), len(a.ExposedPorts), cc.Labels, cc.Volumes)
	}
}
