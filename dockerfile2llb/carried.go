package dockerfile2llb

import "github.com/myorg/multistage/stages"

// Every RUN and WORKDIR op, and every stage built FROM another, holds its
// stage's whole environment and working directory; stages.MaxCarriedBytes
// bounds their sum over a conversion.

// carryEnv counts what a RUN's op, or a stage built FROM s, carries of
// s: its environment and its working directory.
func (c *converter) carryEnv(s *stageState) error {
	return c.carry(s.env.Size() + len(s.image.Config.WorkingDir))
}

// carry counts n bytes an op holds of its stage's state against
// MaxCarriedBytes.
func (c *converter) carry(n int) error {
	c.envCarried += n
	if c.envCarried > stages.MaxCarriedBytes {
		return &stages.LimitError{What: "the environment and working directories the steps carry", Got: c.envCarried, Max: stages.MaxCarriedBytes, Unit: "bytes"}
	}
	return nil
}
