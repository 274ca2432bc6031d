package dockerfile2llb

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/sys/signal"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/internal/errdetail"
)

// The instructions in this file only change the image config; none of them
// produces an op. Their history strings match upstream's byte for byte,
// because tools diff `docker history` across frontends.

func dispatchEnv(s *stageState, c *instructions.EnvCommand) error {
	parts := []string{"ENV"}
	for _, kv := range c.Env {
		s.state = s.state.AddEnv(kv.Key, kv.Value)
		s.image.Config.Env = setEnv(s.image.Config.Env, kv.Key, kv.Value)
		parts = append(parts, kv.String())
	}
	s.history(strings.Join(parts, " "), false)
	return nil
}

func dispatchLabel(s *stageState, c *instructions.LabelCommand) error {
	if s.image.Config.Labels == nil {
		s.image.Config.Labels = make(map[string]string, len(c.Labels))
	}
	parts := []string{"LABEL"}
	for _, kv := range c.Labels {
		s.image.Config.Labels[kv.Key] = kv.Value
		parts = append(parts, kv.String())
	}
	s.history(strings.Join(parts, " "), false)
	return nil
}

func dispatchUser(s *stageState, c *instructions.UserCommand) error {
	s.state = s.state.User(c.User)
	s.image.Config.User = c.User
	s.history("USER "+c.User, false)
	return nil
}

func dispatchVolume(s *stageState, c *instructions.VolumeCommand) error {
	if s.image.Config.Volumes == nil {
		s.image.Config.Volumes = map[string]struct{}{}
	}
	for _, v := range c.Volumes {
		if v == "" {
			return errors.New("VOLUME specified can not be an empty string; VOLUME needs a path")
		}
		s.image.Config.Volumes[v] = struct{}{}
	}
	s.history(fmt.Sprintf("VOLUME %v", c.Volumes), false)
	return nil
}

func dispatchCmd(s *stageState, c *instructions.CmdCommand) error {
	args := configCommand(s, c.ShellDependantCmdLine)
	s.image.Config.Cmd = args
	//lint:ignore SA1019 Docker still reads it.
	s.image.Config.ArgsEscaped = true //nolint:staticcheck // Docker still reads it.
	s.cmdSet = true
	s.history(fmt.Sprintf("CMD %q", args), false)
	return nil
}

func dispatchEntrypoint(s *stageState, c *instructions.EntrypointCommand) error {
	args := configCommand(s, c.ShellDependantCmdLine)
	s.image.Config.Entrypoint = args
	// A CMD inherited from the base was written for the old entrypoint.
	if !s.cmdSet {
		s.image.Config.Cmd = nil
	}
	s.history(fmt.Sprintf("ENTRYPOINT %q", args), false)
	return nil
}

func dispatchShell(s *stageState, c *instructions.ShellCommand) error {
	s.image.Config.Shell = c.Shell
	s.history(fmt.Sprintf("SHELL %v", c.Shell), false)
	return nil
}

func dispatchHealthcheck(s *stageState, c *instructions.HealthCheckCommand) error {
	h := c.Health
	s.image.Config.Healthcheck = &dockerspec.HealthcheckConfig{
		Test:          h.Test,
		Interval:      h.Interval,
		Timeout:       h.Timeout,
		StartPeriod:   h.StartPeriod,
		StartInterval: h.StartInterval,
		Retries:       h.Retries,
	}
	s.history(fmt.Sprintf("HEALTHCHECK %+v", *s.image.Config.Healthcheck), false)
	return nil
}

func dispatchStopSignal(s *stageState, c *instructions.StopSignalCommand) error {
	if _, err := signal.ParseSignal(c.Signal); err != nil {
		return errdetail.Append(err, "STOPSIGNAL takes a signal name such as SIGTERM, or its number")
	}
	s.image.Config.StopSignal = c.Signal
	s.history("STOPSIGNAL "+c.Signal, false)
	return nil
}

func dispatchMaintainer(s *stageState, c *instructions.MaintainerCommand) error {
	s.image.Author = c.Maintainer
	s.history("MAINTAINER "+c.Maintainer, false)
	return nil
}

// dispatchOnbuild stores the trigger for images built FROM this one; it
// leaves no history entry of its own.
func dispatchOnbuild(s *stageState, c *instructions.OnbuildCommand) error {
	s.image.Config.OnBuild = append(s.image.Config.OnBuild, c.Expression)
	return nil
}

// configCommand is a CMD or ENTRYPOINT as stored in the config: the JSON
// form as written, the shell form wrapped in the SHELL in effect.
func configCommand(s *stageState, line instructions.ShellDependantCmdLine) []string {
	if line.PrependShell {
		return withShell(s.image, line.CmdLine)
	}
	return line.CmdLine
}

// withShell wraps a shell-form command line in the image's SHELL.
func withShell(img dockerspec.DockerOCIImage, args []string) []string {
	sh := img.Config.Shell
	if len(sh) == 0 {
		sh = defaultShell(img.OS)
	}
	return append(append([]string(nil), sh...), strings.Join(args, " "))
}

func defaultShell(os string) []string {
	if os == "windows" {
		return []string{"cmd", "/S", "/C"}
	}
	return []string{"/bin/sh", "-c"}
}

// history records an instruction in the image history.
func (s *stageState) history(createdBy string, withLayer bool) {
	s.hist.add(createdBy, withLayer, false, s.epoch)
}
