package dockerfile2llb

import (
	"net/url"
	"path"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/dfgitutil"
	"github.com/opencontainers/go-digest"
	"github.com/pkg/errors"
)

// isURL reports a source that never comes from the build context.
func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

// isHTTP reports a plain download; https://host/repo.git is a git source.
func isHTTP(src string) bool {
	if !isURL(src) {
		return false
	}
	_, isGit, _ := parseGitSource(src)
	return !isGit
}

// parseGitSource recognises git sources. ok is false for anything that
// could also be a local path.
func parseGitSource(src string) (*dfgitutil.GitRef, bool, error) {
	ref, isGit, err := dfgitutil.ParseGitRef(src)
	if err != nil {
		if isGit {
			return nil, false, errors.Wrapf(err, "git source %s", src)
		}
		return nil, false, nil
	}
	if ref == nil || ref.IndistinguishableFromLocal {
		return nil, false, nil
	}
	return ref, true, nil
}

func (c *converter) addGitSource(plan *copyPlan, ref *dfgitutil.GitRef) error {
	opts := []llb.GitOption{llb.WithCustomName(plan.name), llb.GitRef(ref.Ref)}
	if c.opt.GitAdvice {
		opts = append(opts, llb.GitAdvice(true))
	}
	keep := plan.req.keepGitDir
	if keep != nil && ref.KeepGitDir != nil && *keep != *ref.KeepGitDir {
		return errors.New("--keep-git-dir and the keep-git-dir query parameter disagree")
	}
	if ref.KeepGitDir != nil {
		keep = ref.KeepGitDir
	}
	if keep != nil && *keep {
		opts = append(opts, llb.KeepGitDir())
	}
	checksum := plan.req.checksum
	if checksum != "" && ref.Checksum != "" && checksum != ref.Checksum {
		return errors.Errorf("--checksum=%s and the checksum in the URL (%s) disagree", checksum, ref.Checksum)
	}
	if ref.Checksum != "" {
		checksum = ref.Checksum
	}
	if checksum != "" {
		opts = append(opts, llb.GitChecksum(checksum))
	}
	if ref.SubDir != "" {
		opts = append(opts, llb.GitSubDir(ref.SubDir))
	}
	if ref.Submodules != nil && !*ref.Submodules {
		opts = append(opts, llb.GitSkipSubmodules())
	}
	if ref.FetchByCommit {
		opts = append(opts, llb.GitFetchByCommit())
	}
	// Upstream leaves remote sources without a location; ours names the
	// ADD line, so a failed clone or checksum shows the instruction.
	opts = append(opts, c.location(plan.req.cmd.Location()))
	plan.add(llb.Git(ref.Remote, "", opts...), "/", &llb.CopyInfo{CreateDestPath: true})
	return nil
}

// addHTTPSource downloads src. Remote archives are not unpacked unless
// --unpack asks for it.
func (c *converter) addHTTPSource(plan *copyPlan, src string) error {
	name := "__unnamed__"
	if u, err := url.Parse(src); err == nil {
		if base := path.Base(u.Path); base != "." && base != "/" {
			name = base
		}
	}
	var checksum digest.Digest
	if plan.req.checksum != "" {
		var err error
		if checksum, err = digest.Parse(plan.req.checksum); err != nil {
			return err
		}
	}
	st := llb.HTTP(src, llb.Filename(name), llb.WithCustomName(plan.name),
		llb.Checksum(checksum), commandDescription(""), c.location(plan.req.cmd.Location()))
	unpack := plan.req.unpack != nil && *plan.req.unpack
	plan.add(st, name, &llb.CopyInfo{CreateDestPath: true, AttemptUnpack: unpack})
	return nil
}
