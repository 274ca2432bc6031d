package dockerfile2llb

import (
	"context"
	"fmt"
	"github.com/myorg/multistage/stages"
	"path"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	"github.com/pkg/errors"
)

// dispatchRun adds an exec op. The options come from small builders, one
// per concern: the command line, mounts, sandbox and resource options.
func (c *converter) dispatchRun(ctx context.Context, s *stageState, cmd *instructions.RunCommand) error {
	args, heredocMounts, summary, err := runArgs(s, cmd)
	if err != nil {
		return err
	}
	opts := []llb.RunOption{llb.Args(args), commandDescription(cmd.String()), c.location(cmd.Location())}
	opts = append(opts, heredocMounts...)
	if c.proxy != nil {
		opts = append(opts, llb.WithProxy(*c.proxy))
	}
	if err := c.carryEnv(s); err != nil {
		return err
	}
	mounts, err := c.runMounts(ctx, s, cmd)
	if err != nil {
		return err
	}
	opts = append(opts, mounts...)
	if stages.RunNoCache(cmd) {
		s.rerun = true
	}
	if s.ignoresCache() { // after the mounts, which may read a stage that reruns
		opts = append(opts, llb.IgnoreCache)
	}
	sandbox, err := runSandbox(cmd)
	if err != nil {
		return err
	}
	opts = append(opts, sandbox...)
	opts = append(opts, c.runResources(cmd)...)

	env := s.env
	name := stepName(c.progressLex, cmd.String()+summary, c.maskSecretEnv(cmd, env))
	opts = append(opts, llb.WithCustomName(s.progress.name(name, s.platform, env)))
	for _, h := range c.opt.ExtraHosts {
		opts = append(opts, llb.AddExtraHost(h.Host, h.IP))
	}
	opts = append(opts, c.runHostLimits()...)
	s.state = s.state.Run(opts...).Root()
	s.hist.add(s.runHistory(args), true, true, s.epoch)
	return compact(ctx, s)
}

// runArgs builds the process arguments. A lone heredoc runs as a script
// file when it has a shebang, or as the shell's input text otherwise;
// several heredocs are handed to the shell as written.
func runArgs(s *stageState, cmd *instructions.RunCommand) (args []string, mounts []llb.RunOption, summary string, err error) {
	args = cmd.CmdLine
	if len(cmd.Files) > 0 {
		if len(args) != 1 || !cmd.PrependShell {
			return nil, nil, "", errors.Errorf("a RUN with a heredoc must use the shell form, got %v", args)
		}
		if parser.MustParseHeredoc(args[0]) != nil {
			f := cmd.Files[0]
			data := f.Data
			if f.Chomp {
				data = parser.ChompHeredocContent(data)
			}
			summary = fmt.Sprintf(" (%s)", heredocSummary(f.Data))
			if s.image.OS != "windows" && strings.HasPrefix(data, "#!") {
				script := llb.Scratch().Dir("/").File(
					llb.Mkfile(f.Name, 0755, []byte(data)),
					dockerui.WithInternalName("preparing inline document"),
					llb.Platform(s.platform),
				)
				const dir = "/dev/pipes/"
				mounts = append(mounts, llb.AddMount(dir, script, llb.SourcePath("/"), llb.Readonly))
				args = []string{path.Join(dir, f.Name)}
			} else {
				args = []string{data}
			}
		} else {
			var b strings.Builder
			b.WriteString(args[0])
			for _, f := range cmd.Files {
				b.WriteString("\n" + f.Data + f.Name)
			}
			args = []string{b.String()}
		}
	}
	if cmd.PrependShell {
		args = withShell(s.image, args)
	}
	return args, mounts, summary, nil
}

// heredocSummary is the first line of a heredoc, for progress names.
func heredocSummary(doc string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(doc), "\r\n", "\n"), "\n")
	if len(lines) > 1 {
		return lines[0] + "..."
	}
	return lines[0]
}

// securityModes and networkModes are the --security and --network values
// RUN accepts; the default network adds no option.
var (
	securityModes = map[string]pb.SecurityMode{
		instructions.SecurityInsecure: pb.SecurityMode_INSECURE,
		instructions.SecuritySandbox:  pb.SecurityMode_SANDBOX,
	}
	networkModes = map[string]pb.NetMode{
		instructions.NetworkNone: pb.NetMode_NONE,
		instructions.NetworkHost: pb.NetMode_HOST,
	}
)

// runSandbox turns --network and --security into run options.
func runSandbox(cmd *instructions.RunCommand) ([]llb.RunOption, error) {
	sec, ok := securityModes[instructions.GetSecurity(cmd)]
	if !ok {
		return nil, errors.Errorf("--security=%s is not supported: use sandbox or insecure", instructions.GetSecurity(cmd))
	}
	opts := []llb.RunOption{llb.Security(sec)}
	network := instructions.GetNetwork(cmd)
	if mode, ok := networkModes[network]; ok {
		opts = append(opts, llb.Network(mode))
	} else if network != instructions.NetworkDefault {
		return nil, errors.Errorf("--network=%s is not supported: use default, none or host", network)
	}
	return opts, nil
}

// runResources applies the limits and CDI devices the daemon supports: the
// build-wide ones, then this RUN's --device flags. A daemon without CDI
// gets none, as upstream does, rather than a build that cannot start.
func (c *converter) runResources(cmd *instructions.RunCommand) []llb.RunOption {
	var opts []llb.RunOption
	if c.supports(pb.CapExecMetaUlimit) {
		for _, u := range c.opt.Ulimits {
			opts = append(opts, llb.AddUlimit(llb.UlimitName(u.Name), u.Soft, u.Hard))
		}
	}
	if c.supports(pb.CapExecMetaCDI) {
		for _, d := range c.opt.Devices {
			opts = append(opts, cdiDevice(d.Name, d.Optional))
		}
		for _, d := range instructions.GetDevices(cmd) {
			opts = append(opts, cdiDevice(d.Name, !d.Required))
		}
	}
	return opts
}

func cdiDevice(name string, optional bool) llb.RunOption {
	do := []llb.CDIDeviceOption{llb.CDIDeviceName(name)}
	if optional {
		do = append(do, llb.CDIDeviceOptional)
	}
	return llb.AddCDIDevice(do...)
}

// runHostLimits are the build-wide host settings of every RUN: the size of
// /dev/shm, the cgroup parent and resource limits.
func (c *converter) runHostLimits() []llb.RunOption {
	var opts []llb.RunOption
	if c.opt.ShmSize > 0 && c.supports(pb.CapExecMountTmpfsSize) {
		opts = append(opts, llb.AddMount("/dev/shm", llb.Scratch(), llb.Tmpfs(llb.TmpfsSize(c.opt.ShmSize))))
	}
	if c.opt.CgroupParent != "" && c.supports(pb.CapExecMetaCgroupParent) {
		opts = append(opts, llb.WithCgroupParent(c.opt.CgroupParent))
	}
	if r := c.opt.LinuxResources; r != nil && c.supports(pb.CapExecMetaLinuxResources) {
		opts = append(opts, llb.WithLinuxResources(llb.LinuxResources{
			Memory: r.Memory, MemorySwap: r.MemorySwap,
			CPUShares: r.CpuShares, CPUPeriod: r.CpuPeriod, CPUQuota: r.CpuQuota,
			CpusetCpus: r.CpusetCpus, CpusetMems: r.CpusetMems,
		}))
	}
	return opts
}

// supports reports whether the daemon has a capability; offline
// conversions without caps assume it has none of the optional ones.
func (c *converter) supports(id apicaps.CapID) bool {
	return c.opt.LLBCaps != nil && c.opt.LLBCaps.Supports(id) == nil
}
