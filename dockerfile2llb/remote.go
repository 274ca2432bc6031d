package dockerfile2llb

import (
	"net/url"
	"path"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/dfgitutil"
	"github.com/opencontainers/go-digest"
	"github.com/pkg/errors"

	"github.com/myorg/multistage/internal/errdetail"
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
	if !strings.Contains(src, ":") {
		// Every git form has a scheme or user@host: in it; sparing the
		// parser, which builds an error with a stack for each local path.
		return nil, false, nil
	}
	return parseGitRef(src)
}

// parseGitRef is parseGitSource without its shortcut: BuildKit's git ref
// parser, with local-looking refs left to the context.
func parseGitRef(src string) (*dfgitutil.GitRef, bool, error) {
	ref, isGit, err := dfgitutil.ParseGitRef(src)
	if err != nil {
		if isGit {
			return nil, false, errdetail.Append(err, "in git source %s", src)
		}
		return nil, false, nil
	}
	if ref == nil || ref.IndistinguishableFromLocal {
		return nil, false, nil
	}
	return ref, true, nil
}

func (c *converter) addGitSource(plan *copyPlan, ref *dfgitutil.GitRef) error {
	// Upstream leaves remote sources without a location; ours names the
	// ADD line, so a failed clone or checksum shows the instruction.
	st, err := c.gitSource(ref, plan.req.keepGitDir, plan.req.checksum, llb.WithCustomName(plan.name), c.location(plan.req.cmd.Location()))
	if err != nil {
		return err
	}
	plan.add(st, "/", &llb.CopyInfo{CreateDestPath: true})
	return nil
}

// gitSource is the checkout of ref that ADD's --keep-git-dir and
// --checksum (and the URL's query) ask for; ADD and a SOURCE_DATE_EPOCH
// stage both read it.
func (c *converter) gitSource(ref *dfgitutil.GitRef, keep *bool, checksum string, extra ...llb.GitOption) (llb.State, error) {
	opts, err := c.gitOptions(ref, keep, checksum)
	if err != nil {
		return llb.State{}, err
	}
	return llb.Git(ref.Remote, "", append(opts, extra...)...), nil
}

// gitOptions are the options of a git source: the ref and what ADD's
// --keep-git-dir and --checksum or the URL's query ask for.
func (c *converter) gitOptions(ref *dfgitutil.GitRef, keep *bool, checksum string) ([]llb.GitOption, error) {
	opts := []llb.GitOption{llb.GitRef(ref.Ref)}
	if c.opt.GitAdvice {
		opts = append(opts, llb.GitAdvice(true))
	}
	if keep != nil && ref.KeepGitDir != nil && *keep != *ref.KeepGitDir {
		return nil, errors.New("inconsistent keep-git-dir configuration; --keep-git-dir and the keep-git-dir query parameter disagree")
	}
	if ref.KeepGitDir != nil {
		keep = ref.KeepGitDir
	}
	if keep != nil && *keep {
		opts = append(opts, llb.KeepGitDir())
	}
	if checksum != "" && ref.Checksum != "" && checksum != ref.Checksum {
		return nil, errors.Errorf("checksum mismatch %q != %q; --checksum=%s and the checksum in the URL (%s) disagree", checksum, ref.Checksum, checksum, ref.Checksum)
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
	return opts, nil
}

// httpFilename is the name a download is saved as: the URL's last path
// element.
func httpFilename(src string) string {
	if u, err := url.Parse(src); err == nil {
		if base := path.Base(u.Path); base != "." && base != "/" {
			return base
		}
	}
	return "__unnamed__"
}

// addHTTPSource downloads src. Remote archives are not unpacked unless
// --unpack asks for it.
func (c *converter) addHTTPSource(plan *copyPlan, src string) error {
	st, name, err := httpSource(src, plan.req.checksum, llb.WithCustomName(plan.name), commandDescription(""), c.location(plan.req.cmd.Location()))
	if err != nil {
		return err
	}
	unpack := plan.req.unpack != nil && *plan.req.unpack
	plan.add(st, name, &llb.CopyInfo{CreateDestPath: true, AttemptUnpack: unpack})
	return nil
}

// httpSource is the download of src, saved as name (httpFilename) and
// checked against checksum when there is one; ADD and a SOURCE_DATE_EPOCH
// stage both read it.
func httpSource(src, checksum string, extra ...llb.HTTPOption) (st llb.State, name string, err error) {
	var d digest.Digest
	if checksum != "" {
		if d, err = digest.Parse(checksum); err != nil {
			return llb.State{}, "", err
		}
	}
	name = httpFilename(src)
	return llb.HTTP(src, append([]llb.HTTPOption{llb.Filename(name), llb.Checksum(d)}, extra...)...), name, nil
}
