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

// dispatchConfig applies an instruction that only changes the image config
// and records its history entry, which none of them gives a layer.
func (c *converter) dispatchConfig(s *stageState, cmd instructions.Command) error {
	if onbuild, ok := cmd.(*instructions.OnbuildCommand); ok {
		// A trigger for images built FROM this one; upstream records no
		// history entry for it.
		s.image.Config.OnBuild = append(s.image.Config.OnBuild, onbuild.Expression)
		return nil
	}
	createdBy, err := c.applyConfig(s, cmd)
	if err != nil {
		return err
	}
	s.history(createdBy, false)
	return nil
}

// applyConfig changes the image config as cmd says and returns cmd's
// history entry.
func (c *converter) applyConfig(s *stageState, cmd instructions.Command) (string, error) {
	switch cmd := cmd.(type) {
	case *instructions.EnvCommand:
		return applyEnv(s, cmd), nil
	case *instructions.LabelCommand:
		return applyLabel(s, cmd), nil
	case *instructions.ExposeCommand:
		return c.applyExpose(s, cmd)
	case *instructions.UserCommand:
		s.state = s.state.User(cmd.User)
		s.image.Config.User = cmd.User
		return "USER " + cmd.User, nil
	case *instructions.VolumeCommand:
		return applyVolume(s, cmd)
	case *instructions.CmdCommand:
		return applyCmd(s, cmd), nil
	case *instructions.EntrypointCommand:
		return applyEntrypoint(s, cmd), nil
	case *instructions.ShellCommand:
		s.image.Config.Shell = cmd.Shell
		return fmt.Sprintf("SHELL %v", cmd.Shell), nil
	case *instructions.HealthCheckCommand:
		return applyHealthcheck(s, cmd), nil
	case *instructions.StopSignalCommand:
		return applyStopSignal(s, cmd)
	case *instructions.MaintainerCommand:
		s.image.Author = cmd.Maintainer
		return "MAINTAINER " + cmd.Maintainer, nil
	default:
		return "", errors.Errorf("%s is not supported by this frontend", cmd.Name())
	}
}

func applyEnv(s *stageState, c *instructions.EnvCommand) string {
	parts := []string{"ENV"}
	for _, kv := range c.Env {
		s.addEnv(kv.Key, kv.Value)
		s.image.Config.Env = s.configEnv.set(s.image.Config.Env, kv.Key, kv.Value)
		parts = append(parts, kv.String())
	}
	return strings.Join(parts, " ")
}

func applyLabel(s *stageState, c *instructions.LabelCommand) string {
	s.ownConfigMaps()
	if s.image.Config.Labels == nil {
		s.image.Config.Labels = make(map[string]string, len(c.Labels))
	}
	parts := []string{"LABEL"}
	for _, kv := range c.Labels {
		s.image.Config.Labels[kv.Key] = kv.Value
		parts = append(parts, kv.String())
	}
	return strings.Join(parts, " ")
}

func applyVolume(s *stageState, c *instructions.VolumeCommand) (string, error) {
	s.ownConfigMaps()
	if s.image.Config.Volumes == nil {
		s.image.Config.Volumes = map[string]struct{}{}
	}
	for _, v := range c.Volumes {
		if v == "" {
			return "", errors.New("VOLUME specified can not be an empty string; VOLUME needs a path")
		}
		s.image.Config.Volumes[v] = struct{}{}
	}
	return fmt.Sprintf("VOLUME %v", c.Volumes), nil
}

func applyCmd(s *stageState, c *instructions.CmdCommand) string {
	args := configCommand(s, c.ShellDependantCmdLine)
	s.image.Config.Cmd = args
	//lint:ignore SA1019 Docker still reads it.
	s.image.Config.ArgsEscaped = true //nolint:staticcheck // Docker still reads it.
	s.cmdSet = true
	return fmt.Sprintf("CMD %q", args)
}

func applyEntrypoint(s *stageState, c *instructions.EntrypointCommand) string {
	args := configCommand(s, c.ShellDependantCmdLine)
	s.image.Config.Entrypoint = args
	// A CMD inherited from the base was written for the old entrypoint.
	if !s.cmdSet {
		s.image.Config.Cmd = nil
	}
	return fmt.Sprintf("ENTRYPOINT %q", args)
}

func applyHealthcheck(s *stageState, c *instructions.HealthCheckCommand) string {
	h := c.Health
	s.image.Config.Healthcheck = &dockerspec.HealthcheckConfig{
		Test:          h.Test,
		Interval:      h.Interval,
		Timeout:       h.Timeout,
		StartPeriod:   h.StartPeriod,
		StartInterval: h.StartInterval,
		Retries:       h.Retries,
	}
	return fmt.Sprintf("HEALTHCHECK %+v", *s.image.Config.Healthcheck)
}

func applyStopSignal(s *stageState, c *instructions.StopSignalCommand) (string, error) {
	if _, err := signal.ParseSignal(c.Signal); err != nil {
		return "", errdetail.Append(err, "STOPSIGNAL takes a signal name such as SIGTERM, or its number")
	}
	s.image.Config.StopSignal = c.Signal
	return "STOPSIGNAL " + c.Signal, nil
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
