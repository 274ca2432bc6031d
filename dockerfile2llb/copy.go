package dockerfile2llb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/system"
	"github.com/opencontainers/go-digest"
	"github.com/pkg/errors"
	mode "github.com/tonistiigi/dchapes-mode"

	"github.com/myorg/multistage/internal/errdetail"
)

// copyRequest is what COPY and ADD have in common, so one function
// converts both.
type copyRequest struct {
	cmd     sourcedCommand
	add     bool
	params  instructions.SourcesAndDest
	chown   string
	chmod   string
	link    bool
	parents bool
	exclude []string
	// ADD only.
	keepGitDir *bool
	checksum   string
	unpack     *bool
}

// sourcedCommand is an instruction that knows its Dockerfile text.
type sourcedCommand interface {
	instructions.Command
	String() string
}

func copyFromCopy(c *instructions.CopyCommand) copyRequest {
	return copyRequest{cmd: c, params: c.SourcesAndDest, chown: c.Chown, chmod: c.Chmod,
		link: c.Link, parents: c.Parents, exclude: c.ExcludePatterns}
}

func copyFromAdd(c *instructions.AddCommand) copyRequest {
	return copyRequest{cmd: c, add: true, params: c.SourcesAndDest, chown: c.Chown, chmod: c.Chmod,
		link: c.Link, exclude: c.ExcludePatterns, keepGitDir: c.KeepGitDir, checksum: c.Checksum, unpack: c.Unpack}
}

func (r copyRequest) keyword() string {
	if r.add {
		return "ADD"
	}
	return "COPY"
}

// copyPlan is one COPY/ADD being assembled into a single file op.
type copyPlan struct {
	req    copyRequest
	dest   string
	chmod  *llb.ChmodOpt
	common []llb.CopyOption
	action *llb.FileAction
	s      *stageState
	// step is the instruction text; name is its numbered progress name.
	step string
	name string
	env  shellEnv
}

func (p *copyPlan) add(src llb.State, from string, info *llb.CopyInfo) {
	info.Mode = p.chmod
	opts := append([]llb.CopyOption{info}, p.common...)
	if p.action == nil {
		p.action = llb.Copy(src, from, p.dest, opts...)
	} else {
		p.action = p.action.Copy(src, from, p.dest, opts...)
	}
}

// dispatchCopy adds one file op holding a copy action per source.
func (c *converter) dispatchCopy(ctx context.Context, s *stageState, req copyRequest) error {
	plan, err := c.planCopy(ctx, s, req)
	if err != nil {
		return err
	}
	source, used, err := c.copySource(ctx, s, req.cmd)
	if err != nil {
		return err
	}
	for _, src := range req.params.SourcePaths {
		if err := c.addCopySource(plan, source, src); err != nil {
			return err
		}
		if used != nil && !isURL(src) {
			used.add(src)
		}
	}
	if err := addHeredocSources(plan); err != nil {
		return err
	}
	c.commitCopy(plan)
	s.hist.add(copyHistory(req), true, true, s.epoch)
	return compact(ctx, s)
}

func (c *converter) planCopy(ctx context.Context, s *stageState, req copyRequest) (*copyPlan, error) {
	dest, err := destPath(ctx, s, req.params.DestPath)
	if err != nil {
		return nil, err
	}
	plan := &copyPlan{req: req, dest: dest, s: s}
	if req.chown != "" {
		if req.link && chownByName(req.chown) {
			return nil, errors.Errorf("--chown=%s: user and group names can't be resolved when used with --link, use numeric uid[:gid] instead; a --link layer has no /etc/passwd to look them up in", req.chown)
		}
		plan.common = append(plan.common, llb.WithUser(req.chown))
	}
	if len(req.exclude) > 0 {
		plan.common = append(plan.common, llb.WithExcludePatterns(req.exclude))
	}
	if plan.chmod, err = parseChmod(req.chmod); err != nil {
		return nil, err
	}
	if err := checkChecksum(req); err != nil {
		return nil, err
	}
	plan.step = stepName(c.lex, c.showResolvedFrom(req.cmd), s.env)
	plan.name = s.progress.name(plan.step, s.platform, s.env)
	plan.env = s.env
	return plan, nil
}

// showResolvedFrom is the instruction text with an ARG-expanded --from
// replaced by what it resolved to, since stage scope cannot expand it.
func (c *converter) showResolvedFrom(cmd sourcedCommand) string {
	text := cmd.String()
	cp, ok := cmd.(*instructions.CopyCommand)
	edges := c.edgesOf(cmd)
	if !ok || len(edges) == 0 || cp.From == edges[0].Ref {
		return text
	}
	return strings.Replace(text, "--from="+cp.From, "--from="+edges[0].Ref, 1)
}

// copySource is the state COPY reads from (the --from stage, image or
// named context, or the build context) and the set its source paths are
// recorded in (nil for a stage or an image).
func (c *converter) copySource(ctx context.Context, s *stageState, cmd instructions.Command) (llb.State, pathSet, error) {
	edges := c.edgesOf(cmd)
	if len(edges) == 0 {
		return llb.NewState(c.buildContext), c.copySink(nil), nil
	}
	st, err := c.nodeState(ctx, edges[0].To, cmd.Location())
	c.inheritRerun(s, edges[0].To)
	return st, c.copySink(edges[0].To), err
}

func (c *converter) addCopySource(plan *copyPlan, source llb.State, src string) error {
	if git, ok, err := parseGitSource(src); ok || err != nil {
		if err != nil {
			return err
		}
		if !plan.req.add {
			return errors.Errorf("source can't be a git ref for COPY; use ADD %s", src)
		}
		return c.addGitSource(plan, git)
	}
	if isHTTP(src) {
		if !plan.req.add {
			return errors.Errorf("source can't be a URL for COPY; use ADD %s", src)
		}
		return c.addHTTPSource(plan, src)
	}
	return addLocalSource(plan, source, src)
}

func addLocalSource(plan *copyPlan, source llb.State, src string) error {
	os := plan.s.platform.OS
	info := &llb.CopyInfo{
		FollowSymlinks:      true,
		CopyDirContentsOnly: true,
		AttemptUnpack:       plan.req.add,
		CreateDestPath:      true,
		AllowWildcard:       true,
		AllowEmptyWildcard:  true,
	}
	if plan.req.unpack != nil {
		info.AttemptUnpack = *plan.req.unpack
	}
	if plan.req.parents {
		// "a/./b/c" keeps "b/c" under the destination; without the
		// pivot the whole path is kept.
		root, pattern, pivot := strings.Cut(src, "/./")
		if !pivot {
			root, pattern = "/", src
		}
		pattern, err := system.NormalizePath("/", pattern, os, false)
		if err != nil {
			return errors.Wrap(err, "removing drive letter")
		}
		info.IncludePatterns = []string{strings.TrimPrefix(pattern, "/")}
		if !hasWildcards(root) && !hasWildcards(pattern) {
			required, err := system.NormalizePath("/", filepath.Join(root, pattern), os, false)
			if err != nil {
				return errors.Wrap(err, "removing drive letter")
			}
			info.RequiredPaths = []string{required}
		}
		src = root
	}
	src, err := system.NormalizePath("/", src, os, false)
	if err != nil {
		return errors.Wrap(err, "removing drive letter")
	}
	plan.add(source, src, info)
	return nil
}

func addHeredocSources(plan *copyPlan) error {
	for _, doc := range plan.req.params.SourceContents {
		name, err := system.CheckSystemDriveAndRemoveDriveLetter(doc.Path, plan.s.platform.OS, false)
		if err != nil {
			return errors.Wrap(err, "removing drive letter")
		}
		st := llb.Scratch().File(
			llb.Mkfile(name, 0644, []byte(doc.Data)),
			dockerui.WithInternalName("preparing inline document"),
			llb.Platform(plan.s.platform),
		)
		plan.add(st, filepath.ToSlash(name), &llb.CopyInfo{CreateDestPath: true})
	}
	return nil
}

// commitCopy applies the file op. With --link the copy lands in its own
// layer on scratch and is merged, so it does not depend on what is below.
func (c *converter) commitCopy(plan *copyPlan) {
	s, name := plan.s, plan.name
	fileOpts := []llb.ConstraintsOpt{llb.WithCustomName(name), c.location(plan.req.cmd.Location())}
	if s.ignoresCache() {
		fileOpts = append(fileOpts, llb.IgnoreCache)
	}
	if !plan.req.link || plan.req.chmod != "" || !c.supports(pb.CapMergeOp) {
		s.state = s.state.File(plan.action, fileOpts...)
		return
	}
	group := progressGroupID(s, plan.req.cmd)
	layer := llb.Scratch().File(plan.action, append([]llb.ConstraintsOpt{llb.Platform(s.platform)},
		append(fileOpts, llb.ProgressGroup(group, name, true))...)...)
	merge := append(append([]llb.ConstraintsOpt(nil), fileOpts...),
		llb.ProgressGroup(group, name, false),
		llb.WithCustomName(s.progress.again("LINK "+plan.step, s.platform, plan.env)))
	s.state = s.state.WithOutput(llb.Merge([]llb.State{s.state, layer}, merge...).Output())
}

func copyHistory(req copyRequest) string {
	parts := []string{req.keyword()}
	if req.parents {
		parts = append(parts, "--parents")
	}
	if req.chown != "" {
		parts = append(parts, "--chown="+req.chown)
	}
	if req.chmod != "" {
		parts = append(parts, "--chmod="+req.chmod)
	}
	parts = append(parts, req.params.SourcePaths...)
	for _, doc := range req.params.SourceContents {
		parts = append(parts, "<<"+doc.Path)
	}
	return strings.Join(append(parts, req.params.DestPath), " ")
}

// destPath resolves a COPY destination against the working directory,
// keeping a trailing slash, which means "into this directory".
func destPath(ctx context.Context, s *stageState, dest string) (string, error) {
	dir, err := s.state.GetDir(ctx, llb.Platform(s.platform))
	if err != nil {
		return "", err
	}
	os := s.platform.OS
	dest, err = system.CheckSystemDriveAndRemoveDriveLetter(dest, os, true)
	if err != nil {
		return "", errors.Wrap(err, "removing drive letter")
	}
	if system.IsAbs(dest, os) {
		return system.NormalizePath("/", dest, os, true)
	}
	if dest == "." || dest == "" {
		dest = "./"
	}
	return system.NormalizePath(dir, dest, os, true)
}

// parseChmod accepts an octal mode up to 07777 or a symbolic one (u+x).
func parseChmod(v string) (*llb.ChmodOpt, error) {
	if v == "" {
		return nil, nil
	}
	invalid := errors.Errorf("invalid chmod parameter: '%v'. it should be octal string and between 0 and 07777", v)
	if p, err := strconv.ParseUint(v, 8, 32); err == nil {
		if p > 0o7777 {
			return nil, invalid
		}
		return &llb.ChmodOpt{Mode: os.FileMode(p)}, nil
	}
	if _, err := mode.Parse(v); err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) {
			return nil, invalid
		}
		return nil, errdetail.Append(err, "--chmod=%s: use an octal mode such as 0755 or a symbolic one such as u+x,go-w", v)
	}
	return &llb.ChmodOpt{ModeStr: v}, nil
}

func checkChecksum(req copyRequest) error {
	if req.checksum == "" {
		return nil
	}
	if !req.add {
		return errors.New("--checksum is only valid for ADD")
	}
	if len(req.params.SourcePaths) != 1 {
		return errors.New("checksum can't be specified for multiple sources; --checksum needs exactly one source")
	}
	src := req.params.SourcePaths[0]
	if _, isGit, _ := parseGitSource(src); !isGit && !isHTTP(src) {
		return errors.New("checksum requires HTTP(S) or Git sources; --checksum needs an HTTP(S) or git source")
	}
	if isHTTP(src) {
		if _, err := digest.Parse(req.checksum); err != nil {
			return errdetail.Append(err, "in --checksum=%s", req.checksum)
		}
	}
	return nil
}

// chownByName reports whether a --chown names a user or group rather than
// numeric ids.
func chownByName(chown string) bool {
	co, ok := llb.WithUser(chown).(llb.ChownOpt)
	if !ok {
		return false
	}
	return (co.User != nil && co.User.Name != "") || (co.Group != nil && co.Group.Name != "")
}

func hasWildcards(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// progressGroupID ties the two ops of a --link copy together in progress
// output. It is derived from the instruction, so output stays deterministic.
func progressGroupID(s *stageState, cmd instructions.Command) string {
	key := s.node.DisplayName()
	if loc := cmd.Location(); len(loc) > 0 {
		key += fmt.Sprintf("|%d:%d", loc[0].Start.Line, loc[0].Start.Character)
	}
	return digest.FromString(key).Encoded()[:16]
}
