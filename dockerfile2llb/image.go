package dockerfile2llb

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/system"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// historyComment marks history entries written by a Dockerfile build; tools
// such as `docker history` key on it.
const historyComment = "buildkit.dockerfile.v0"

// cloneImage deep-copies the mutable parts of an image config, so a stage
// never edits its parent's.
//
// The config's maps (ExposedPorts, Volumes, Labels) stay shared: a stage
// takes them with adoptImage and copies them on its first write
// (ownConfigMaps). Copying them for every stage made a chain of stages
// under one large EXPOSE range cost the range times the stages.
func cloneImage(src dockerspec.DockerOCIImage) dockerspec.DockerOCIImage {
	img := src
	cfg := &img.Config
	cfg.Env = slices.Clone(src.Config.Env)
	cfg.Cmd = slices.Clone(src.Config.Cmd)
	cfg.Entrypoint = slices.Clone(src.Config.Entrypoint)
	cfg.OnBuild = slices.Clone(src.Config.OnBuild)
	cfg.Shell = slices.Clone(src.Config.Shell)
	if hc := src.Config.Healthcheck; hc != nil {
		c := *hc
		c.Test = slices.Clone(hc.Test)
		cfg.Healthcheck = &c
	}
	img.History = slices.Clone(src.History)
	return img
}

// emptyImage is the config of FROM scratch.
func emptyImage(p ocispecs.Platform) dockerspec.DockerOCIImage {
	var img dockerspec.DockerOCIImage
	img.OS, img.Architecture, img.Variant, img.OSVersion = p.OS, p.Architecture, p.Variant, p.OSVersion
	img.OSFeatures = slices.Clone(p.OSFeatures)
	img.RootFS.Type = "layers"
	img.Config.WorkingDir = "/"
	if p.OS != "windows" {
		// Windows sets its own PATH.
		img.Config.Env = []string{"PATH=" + system.DefaultPathEnv(p.OS)}
	}
	return img
}

// configEnv is the Env of a stage's image config with an index of its
// keys, so that each ENV key costs O(1) rather than a scan of every key
// before it. The index is built on the stage's first ENV.
type configEnv struct {
	// at maps each key, as the image's OS compares keys, to its first
	// entry in the config's Env.
	at map[string]int
}

// set replaces key in env (matching keys the way the image's OS does) or
// appends it, and returns env.
func (c *configEnv) set(env []string, key, value string) []string {
	if c.at == nil {
		c.at = make(map[string]int, len(env))
		for i, kv := range env {
			k, _ := splitEnv(kv)
			if _, dup := c.at[shell.NormalizeEnvKey(k)]; !dup {
				c.at[shell.NormalizeEnvKey(k)] = i
			}
		}
	}
	norm := shell.NormalizeEnvKey(key)
	if i, ok := c.at[norm]; ok {
		env[i] = key + "=" + value
		return env
	}
	c.at[norm] = len(env)
	return append(env, key+"="+value)
}

func envValue(env []string, key string) (string, bool) {
	for _, kv := range env {
		if k, v := splitEnv(kv); shell.EqualEnvKeys(k, key) {
			return v, true
		}
	}
	return "", false
}

func splitEnv(kv string) (string, string) {
	k, v, _ := strings.Cut(kv, "=")
	return k, v
}

// historyChain is a stage's image history: its parent's entries, then its
// own. Stages share their parents' chains rather than copying them, which
// keeps a long FROM chain linear; flatten runs once, for the exported image.
type historyChain struct {
	parent  *historyChain
	entries []ocispecs.History
}

// newHistory starts a stage's history after parent's (nil for none) and
// base's entries, with room for steps more.
func newHistory(parent *historyChain, base []ocispecs.History, steps int) *historyChain {
	return &historyChain{parent: parent, entries: append(make([]ocispecs.History, 0, len(base)+steps), base...)}
}

// add records one instruction. byBuildKit marks entries whose layer
// BuildKit produced, which docker history shows with a trailing comment.
func (h *historyChain) add(createdBy string, withLayer, byBuildKit bool, created *time.Time) {
	if byBuildKit {
		createdBy += " # buildkit"
	}
	h.entries = append(h.entries, ocispecs.History{
		CreatedBy:  createdBy,
		Comment:    historyComment,
		EmptyLayer: !withLayer,
		Created:    created,
	})
}

func (h *historyChain) flatten() []ocispecs.History {
	var chain []*historyChain
	n := 0
	for c := h; c != nil; c = c.parent {
		chain = append(chain, c)
		n += len(c.entries)
	}
	out := make([]ocispecs.History, 0, n)
	for i := len(chain) - 1; i >= 0; i-- {
		out = append(out, chain[i].entries...)
	}
	return out
}

// adoptImage makes a copy of src the stage's image config, sharing its maps
// until the stage writes one.
func (s *stageState) adoptImage(src dockerspec.DockerOCIImage) {
	s.image = cloneImage(src)
	s.configMapsShared = true
}

// ownConfigMaps copies the config's maps before the stage's first write to
// one of them.
func (s *stageState) ownConfigMaps() {
	if !s.configMapsShared {
		return
	}
	cfg := &s.image.Config
	cfg.ExposedPorts = maps.Clone(cfg.ExposedPorts)
	cfg.Volumes = maps.Clone(cfg.Volumes)
	cfg.Labels = maps.Clone(cfg.Labels)
	s.configMapsShared = false
}
