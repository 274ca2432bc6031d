// Package events is what the converter reports while it dispatches a
// Dockerfile: the one pass that lint rules and the outline subrequest read,
// so that they see exactly the words, environment and ARG values the
// conversion sees.
package events

import (
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Env is a stage's environment so far, keys in the order they were last
// set (an llb.EnvList).
type Env interface {
	Get(key string) (string, bool)
	Keys() []string
}

// Stage is the converter's state of a stage at the time of an event.
type Stage struct {
	Node *stages.Node
	// EnvKnown is false when the stage builds on a named context, whose
	// environment lint rules must not guess at.
	EnvKnown bool
	// HasShell is true when the image config has a SHELL.
	HasShell bool
	OS       string
	// WorkdirSet is true once a WORKDIR ran in this stage or its parents.
	WorkdirSet bool
	// Env is the stage's environment at the time of the event.
	Env Env
}

// Observer receives the events of a conversion. Every field may be nil.
// Events come for each stage converted for its own platform, once, in
// dependency order; a stage's ONBUILD triggers and the copies of a stage
// converted for a child's FROM --platform send none.
type Observer struct {
	// Stage is called when a stage starts, before its first instruction.
	Stage func(s *Stage)
	// Unmatched is called with the variables an instruction used that are
	// neither set nor declared ARGs of the stage, sorted.
	Unmatched func(s *Stage, cmd instructions.Command, names []string)
	// Command is called after an instruction's words were expanded and
	// before it changes the stage.
	Command func(s *Stage, cmd instructions.Command)
	// Arg is called for each ARG key with its final value (nil when
	// unset); inherited is true when the value comes from the global scope
	// because the ARG had neither a default nor a build arg.
	Arg func(s *Stage, cmd *instructions.ArgCommand, kv instructions.KeyValuePairOptional, inherited bool)
}

// Image is what an image reference resolved to, for one platform.
type Image struct {
	Config *dockerspec.DockerOCIImage
	// Platform is the platform the stage runs on: the requested one, or,
	// when none was requested, the build platform matching the image.
	Platform ocispecs.Platform
	// Empty is true for images without layers (they convert to scratch).
	Empty bool
}
