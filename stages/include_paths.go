package stages

import "github.com/moby/buildkit/frontend/dockerfile/parser"

// scanRefs finds the file references of one instruction.
func (t *tree) scanRefs(u *Unit, n *parser.Node) error { return nil }

// pathOrder is the order the file references' instances are assembled in.
func (t *tree) pathOrder() []*Unit { return t.paths }
