package dockerfile2llb

import (
	"context"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/system"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/internal/errdetail"
)

// runMounts converts RUN --mount flags, in flag order.
func (c *converter) runMounts(ctx context.Context, s *stageState, cmd *instructions.RunCommand) ([]llb.RunOption, error) {
	sources := map[int]llb.State{}
	used := map[int]pathSet{}
	for _, e := range c.edgesOf(cmd) {
		st, err := c.nodeState(ctx, e.To, nil)
		if err != nil {
			return nil, err
		}
		c.inheritRerun(s, e.To)
		sources[e.MountIndex], used[e.MountIndex] = st, c.copySink(e.To)
	}
	var out []llb.RunOption
	for i, m := range instructions.GetMounts(cmd) {
		var opt llb.RunOption
		var err error
		switch m.Type {
		case instructions.MountTypeSecret:
			opt, err = secretMount(s, m)
		case instructions.MountTypeSSH:
			opt, err = sshMount(m)
		default:
			src, fromOther := sources[i]
			if ps := used[i]; ps != nil {
				ps.add(m.Source)
			}
			opt, err = c.fsMount(ctx, s, m, src, fromOther)
		}
		if err != nil {
			return nil, errdetail.Append(err, "in --mount #%d (type=%s)", i+1, m.Type)
		}
		out = append(out, opt)
	}
	return out, nil
}

// fsMount converts bind, cache and tmpfs mounts. Without from=, a bind
// mount reads the build context and a cache mount starts empty.
func (c *converter) fsMount(ctx context.Context, s *stageState, m *instructions.Mount, src llb.State, fromOther bool) (llb.RunOption, error) {
	var opts []llb.MountOption
	switch {
	case m.Type == instructions.MountTypeTmpfs:
		src = llb.Scratch()
		opts = append(opts, llb.Tmpfs(llb.TmpfsSize(m.SizeLimit)))
	case fromOther:
	case m.Type == instructions.MountTypeCache:
		src = llb.Scratch()
	default:
		src = llb.NewState(c.buildContext)
		c.ctxPaths.add(m.Source)
	}
	if m.ReadOnly {
		opts = append(opts, llb.Readonly)
	} else if m.Type == instructions.MountTypeBind && c.supports(pb.CapExecMountBindReadWriteNoOutput) {
		// Writes to a read-write bind mount are thrown away; say so, so
		// the solver need not snapshot them.
		opts = append(opts, llb.ForceNoOutput)
	}
	if m.Type == instructions.MountTypeCache {
		opts = append(opts, llb.AsPersistentCacheDir(c.opt.CacheIDNamespace+"/"+cacheID(m), cacheSharing(m.CacheSharing)))
	}
	target, err := mountTarget(ctx, s, m.Target)
	if err != nil {
		return nil, err
	}
	if source := path.Join("/", m.Source); source != "/" {
		opts = append(opts, llb.SourcePath(source))
	} else if m.UID != nil || m.GID != nil || m.Mode != nil {
		src = withOwnedCacheDir(m, src)
		opts = append(opts, llb.SourcePath("/cache"))
	}
	return llb.AddMount(target, src, opts...), nil
}

func cacheID(m *instructions.Mount) string {
	if m.CacheID != "" {
		return m.CacheID
	}
	return path.Clean(m.Target)
}

func cacheSharing(mode instructions.ShareMode) llb.CacheMountSharingMode {
	switch mode {
	case instructions.MountSharingPrivate:
		return llb.CacheMountPrivate
	case instructions.MountSharingLocked:
		return llb.CacheMountLocked
	}
	return llb.CacheMountShared
}

// mountTarget resolves a relative target against the working directory;
// no target at all means the working directory itself, as upstream has it.
func mountTarget(ctx context.Context, s *stageState, target string) (string, error) {
	given := target != ""
	if !system.IsAbsolutePath(filepath.Clean(target)) {
		dir, err := s.state.GetDir(ctx)
		if err != nil {
			return "", err
		}
		target = filepath.Join("/", dir, target)
	}
	if target == "/" && !given {
		return "", errors.New(`invalid mount target "/"; target= is missing: say where to mount, e.g. target=/cache`)
	}
	if target == "/" {
		return "", errors.Errorf("invalid mount target %q; it would hide the whole filesystem: mount somewhere below /", target)
	}
	return target, nil
}

// withOwnedCacheDir creates the directory a cache mount with uid, gid or
// mode set will use, with that ownership.
func withOwnedCacheDir(m *instructions.Mount, st llb.State) llb.State {
	uid, gid, mode := 0, 0, os.FileMode(0755)
	if m.UID != nil {
		uid = int(*m.UID)
	}
	if m.GID != nil {
		gid = int(*m.GID)
	}
	if m.Mode != nil {
		mode = os.FileMode(*m.Mode)
	}
	return st.File(llb.Mkdir("/cache", mode, llb.WithUIDGID(uid, gid)), llb.WithCustomName("[internal] setting cache mount permissions"))
}

// fileOwnership returns uid, gid and mode when any is set, else ok=false.
func fileOwnership(m *instructions.Mount, defaultMode int) (uid, gid, mode int, ok bool) {
	if m.UID == nil && m.GID == nil && m.Mode == nil {
		return 0, 0, 0, false
	}
	mode = defaultMode
	if m.UID != nil {
		uid = int(*m.UID)
	}
	if m.GID != nil {
		gid = int(*m.GID)
	}
	if m.Mode != nil {
		mode = int(*m.Mode)
	}
	return uid, gid, mode, true
}

// secretMount exposes a secret as a file (default /run/secrets/<id>) or,
// with env=, as an environment variable.
func secretMount(s *stageState, m *instructions.Mount) (llb.RunOption, error) {
	onWindows := s.platform.OS == "windows"
	target := m.Target
	if onWindows {
		target = system.ToSlash(target, "windows")
	}
	id, err := secretID(m, target)
	if err != nil {
		return nil, err
	}
	dest, err := secretDest(id, target, m.Env != nil, onWindows)
	if err != nil {
		return nil, err
	}
	opts := []llb.SecretOption{llb.SecretID(id)}
	if !m.Required {
		opts = append(opts, llb.SecretOptional)
	}
	if m.Env != nil {
		opts = append(opts, llb.SecretAsEnvName(*m.Env))
	}
	if uid, gid, mode, ok := fileOwnership(m, 0400); ok {
		opts = append(opts, llb.SecretFileOpt(uid, gid, mode))
	}
	return llb.AddSecretWithDest(id, dest, opts...), nil
}

// secretID is source= (or its alias id=), else the target's file name.
func secretID(m *instructions.Mount, target string) (string, error) {
	switch {
	case m.Source != "":
		return m.Source, nil
	case m.CacheID != "":
		return m.CacheID, nil
	case target != "":
		return path.Base(target), nil
	}
	return "", errors.New("a secret mount needs id= (or source=) or target=")
}

// secretDest is where the secret file appears; nil for an env-only secret.
func secretDest(id, target string, asEnv, onWindows bool) (*string, error) {
	if onWindows && target != "" && !system.IsAbs(target, "windows") {
		return nil, errors.Errorf("secret target %q must be an absolute path such as C:/secrets/%s", target, id)
	}
	if target != "" {
		return &target, nil
	}
	if asEnv {
		return nil, nil
	}
	if onWindows {
		return nil, errors.Errorf("a secret mount needs target= on Windows, e.g. target=C:/secrets/%s", id)
	}
	def := "/run/secrets/" + path.Base(id)
	return &def, nil
}

// sshMount forwards an SSH agent socket; id defaults to "default".
func sshMount(m *instructions.Mount) (llb.RunOption, error) {
	if m.Source != "" {
		return nil, errors.New("ssh does not support source; ssh mounts take no source=")
	}
	opts := []llb.SSHOption{llb.SSHID(m.CacheID)}
	if m.Target != "" {
		opts = append(opts, llb.SSHSocketTarget(m.Target))
	}
	if !m.Required {
		opts = append(opts, llb.SSHOptional)
	}
	if uid, gid, mode, ok := fileOwnership(m, 0600); ok {
		opts = append(opts, llb.SSHSocketOpt(m.Target, uid, gid, mode))
	}
	return llb.AddSSHSocket(opts...), nil
}

// maskSecretEnv shows secrets exposed with env= as "****" in progress
// names, so the step reads as using a secret.
func (c *converter) maskSecretEnv(cmd *instructions.RunCommand, env shell.EnvGetter) shell.EnvGetter {
	masked := map[string]bool{}
	for _, m := range instructions.GetMounts(cmd) {
		if m.Type == instructions.MountTypeSecret && m.Env != nil {
			masked[*m.Env] = true
		}
	}
	if len(masked) == 0 {
		return env
	}
	return maskedEnv{base: env, masked: masked}
}

type maskedEnv struct {
	base   shell.EnvGetter
	masked map[string]bool
}

func (e maskedEnv) Get(k string) (string, bool) {
	if e.masked[k] {
		return "****", true
	}
	return e.base.Get(k)
}

func (e maskedEnv) Keys() []string {
	var keys []string
	for _, k := range e.base.Keys() {
		if !e.masked[k] {
			keys = append(keys, k)
		}
	}
	return append(keys, slices.Sorted(maps.Keys(e.masked))...)
}
