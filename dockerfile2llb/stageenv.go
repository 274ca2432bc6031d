package dockerfile2llb

import (
	"slices"

	"github.com/moby/buildkit/client/llb"
)

// stageEnv is the environment a stage's instructions are expanded in: its
// base's, then its ENV and ARG values, keys in the order they were last
// set, as llb.EnvList orders them. The LLB state keeps its own copy for
// the ops; this one exists for lookups. An llb.EnvList builds a map of its
// whole list on the first Get of each version, so reading it between sets,
// as every instruction does, would cost the size of the environment per
// instruction. Here Get and set cost O(1).
type stageEnv struct {
	values map[string]envEntry
	// order holds each key where it was last set. A key set again leaves
	// a stale entry behind, which Keys drops; entries are never changed
	// in place, so a slice Keys returned stays as it was.
	order []string
	stale int
	// size is the bytes of KEY=value of every key, what each RUN carries.
	size int
}

type envEntry struct {
	value string
	// at is the index of the key's live entry in order.
	at int
}

// newStageEnv copies env, once per stage.
func newStageEnv(env *llb.EnvList) *stageEnv {
	keys := env.Keys()
	e := &stageEnv{values: make(map[string]envEntry, len(keys)), order: make([]string, 0, len(keys))}
	for _, k := range keys {
		v, _ := env.Get(k)
		e.set(k, v)
	}
	return e
}

// set gives k the value v and moves k after every other key.
func (e *stageEnv) set(k, v string) {
	if old, ok := e.values[k]; ok {
		e.stale++
		e.size -= len(k) + len(old.value) + 1
	}
	e.size += len(k) + len(v) + 1
	e.values[k] = envEntry{value: v, at: len(e.order)}
	e.order = append(e.order, k)
}

// Get is the value of k.
func (e *stageEnv) Get(k string) (string, bool) {
	v, ok := e.values[k]
	return v.value, ok
}

// Keys lists the keys in the order they were last set. The slice is
// shared: callers read it and must not change it.
func (e *stageEnv) Keys() []string {
	if e.stale > 0 {
		e.dropStale()
	}
	return slices.Clip(e.order)
}

// Size is the bytes of the environment written as KEY=value lines.
func (e *stageEnv) Size() int { return e.size }

// Len is the number of keys.
func (e *stageEnv) Len() int {
	return len(e.values)
}

// ToArray lists the environment as KEY=value, in the order of Keys.
func (e *stageEnv) ToArray() []string {
	keys := e.Keys()
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k + "=" + e.values[k].value
	}
	return out
}

// dropStale rebuilds order without the entries of keys set again since.
// It writes a new slice, since callers may still read one Keys returned.
func (e *stageEnv) dropStale() {
	order := make([]string, 0, len(e.values))
	for i, k := range e.order {
		if v, ok := e.values[k]; ok && v.at == i {
			v.at = len(order)
			e.values[k] = v
			order = append(order, k)
		}
	}
	e.order, e.stale = order, 0
}
