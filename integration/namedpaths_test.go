package integration

import (
	"crypto/rand"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNamedContextPaths (issue 9, item 1): a local --build-context sends
// what the build reads of it, as the main context does. A stage built FROM
// it, or the target when the context replaces it, gets all of it; a COPY
// --from or RUN --mount=from= gets only its source path. Each variant runs
// once as a new name and once replacing a stage of the same name.
func TestNamedContextPaths(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	const stagesText = `
FROM scratch AS copy-from
COPY --from=pathctx /small /

FROM busybox AS mount-from
RUN --mount=from=pathctx,src=/small,target=/in/small cp /in/small /small

FROM pathctx AS base
COPY --from=busybox / /
RUN wc -c < /big > /big.size

FROM scratch AS all
COPY --from=copy-from /small /a
COPY --from=mount-from /small /b
COPY --from=base /big.size /c
`
	const replaced = "\nFROM scratch AS pathctx\nCOPY <<EOF /small\nnot the context\nEOF\n"
	const bigSize = 4 << 20
	const loadName = "[context pathctx] load from client"
	type want struct {
		min, max int64 // bytes the context may transfer
		check    func(t *testing.T, r *result)
	}
	small := func(name string) func(t *testing.T, r *result) {
		return func(t *testing.T, r *result) { wantFile(t, r, name, "small\n") }
	}
	bigCount := func(name string) func(t *testing.T, r *result) {
		return func(t *testing.T, r *result) {
			if got := strings.TrimSpace(r.file(t, name)); got != "4194304" {
				t.Errorf("/%s = %q, want the size of the whole /big (4194304)", name, got)
			}
		}
	}
	targets := map[string]want{
		"copy-from":  {1, 1024, small("small")},
		"mount-from": {1, 1024, small("small")},
		"base":       {bigSize, 1 << 40, bigCount("big.size")},
		"all": {bigSize, 1 << 40, func(t *testing.T, r *result) {
			small("a")(t, r)
			small("b")(t, r)
			bigCount("c")(t, r)
		}},
	}
	for _, v := range []struct{ name, dockerfile string }{{"new", stagesText}, {"replace", replaced + stagesText}} {
		for _, target := range slices.Sorted(maps.Keys(targets)) {
			w := targets[target]
			t.Run(v.name+"/"+target, func(t *testing.T) {
				forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
					if m == modeUpstream && v.name == "replace" && target == "base" {
						// Upstream gives a stage built on a replaced local
						// context a config without a platform, and the
						// exporter rejects it: "missing architecture".
						t.Skip("upstream cannot export this image")
					}
					// A fresh directory each time: BuildKit keeps what an
					// earlier build synced and would send only changes.
					dir := t.TempDir()
					write(t, filepath.Join(dir, "small"), "small\n")
					big := make([]byte, bigSize)
					if _, err := rand.Read(big); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, "big"), big, 0o644); err != nil {
						t.Fatal(err)
					}
					b := &scenario{
						dockerfile: v.dockerfile,
						target:     target,
						attrs:      map[string]string{"context:pathctx": "local:pathdir"},
						attach:     attachments{locals: map[string]string{"pathdir": dir}},
					}
					r := b.mustBuild(t, e, m)
					if got := transferredBytes(r.log, loadName); got < w.min || got > w.max {
						t.Errorf("%q transferred %d bytes, want %d to %d", loadName, got, w.min, w.max)
					}
					w.check(t, r)
				})
			})
		}
	}
}
