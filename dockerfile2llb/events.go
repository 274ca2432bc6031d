package dockerfile2llb

import (
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/myorg/multistage/internal/events"
)

// startEvents begins reporting a stage's dispatch to the observers (lint
// rules, outline). It is called once the stage's triggers ran, for a stage
// converted for its own platform only, so each stage reports once.
func (c *converter) startEvents(s *stageState) {
	if len(c.observers) == 0 {
		return
	}
	s.ev = &events.Stage{Node: s.node, EnvKnown: s.envKnown}
	c.emit(s, func(o *events.Observer) {
		if o.Stage != nil {
			o.Stage(s.ev)
		}
	})
}

// refreshEvent brings the event view of s up to date before an event.
func (c *converter) refreshEvent(s *stageState) {
	s.ev.Env = s.env
	s.ev.HasShell = len(s.image.Config.Shell) > 0
	s.ev.OS = s.platform.OS
	if s.ev.OS == "" {
		s.ev.OS = "linux"
	}
	s.ev.WorkdirSet = s.workdirSet
}

func (c *converter) commandEvent(s *stageState, cmd instructions.Command) {
	c.emit(s, func(o *events.Observer) {
		if o.Command != nil {
			o.Command(s.ev, cmd)
		}
	})
}

// emit brings the event view of s up to date and hands it to every
// observer; nothing happens while s reports nothing.
func (c *converter) emit(s *stageState, call func(o *events.Observer)) {
	if s.ev == nil {
		return
	}
	c.refreshEvent(s)
	for _, o := range c.observers {
		call(o)
	}
}

// unmatchedEvent reports the variables a word used that the stage neither
// set nor declared; SBOM ARGs are BuildKit's and never count.
func (c *converter) unmatchedEvent(s *stageState, cmd instructions.Command, unmatched map[string]struct{}) {
	if s.ev == nil || len(unmatched) == 0 {
		return
	}
	var names []string
	for name := range unmatched {
		if !sbomArgs[name] && !declared(s.args, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	c.refreshEvent(s)
	for _, o := range c.observers {
		if o.Unmatched != nil {
			o.Unmatched(s.ev, cmd, names)
		}
	}
}

func (c *converter) argEvent(s *stageState, cmd *instructions.ArgCommand, kv instructions.KeyValuePairOptional, inherited bool) {
	c.emit(s, func(o *events.Observer) {
		if o.Arg != nil {
			o.Arg(s.ev, cmd, kv, inherited)
		}
	})
}

func declared(args []instructions.KeyValuePairOptional, name string) bool {
	return slices.ContainsFunc(args, func(a instructions.KeyValuePairOptional) bool { return a.Key == name })
}
