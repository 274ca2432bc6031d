package walk

import (
	"slices"
	"sort"
)

// Env is an ordered environment that behaves like an LLB state's: setting
// a key again moves it last. It satisfies shell.EnvGetter, and its key
// order is what "did you mean" suggestions are drawn from.
type Env struct {
	keys   []string
	values map[string]string
}

func NewEnv() *Env { return &Env{values: map[string]string{}} }

func (e *Env) Set(key, value string) {
	if _, ok := e.values[key]; ok {
		e.keys = slices.DeleteFunc(e.keys, func(k string) bool { return k == key })
	}
	e.keys = append(e.keys, key)
	e.values[key] = value
}

func (e *Env) Get(key string) (string, bool) {
	v, ok := e.values[key]
	return v, ok
}

func (e *Env) Keys() []string { return slices.Clone(e.keys) }

func (e *Env) Clone() *Env {
	c := &Env{keys: slices.Clone(e.keys), values: make(map[string]string, len(e.values))}
	for k, v := range e.values {
		c.values[k] = v
	}
	return c
}

func sortStrings(s []string) { sort.Strings(s) }
