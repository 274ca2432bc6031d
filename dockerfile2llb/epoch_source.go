package dockerfile2llb

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"maps"
	"strings"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/frontend/dockerui"
	gwclient "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/gitutil/gitobject"
	"github.com/moby/go-archive/compression"
	"github.com/myorg/multistage/internal/tarfiles"
	"github.com/myorg/multistage/stages"
	"github.com/pkg/errors"
)

// epochStageSource is the download or checkout of a stage that
// SOURCE_DATE_EPOCH names. Such a stage is FROM scratch and holds ARGs and
// exactly one ADD of one URL; its instructions are read here, without
// converting it. Its ARGs start from every global one but
// SOURCE_DATE_EPOCH itself, as upstream's do. An error names the
// instruction's line; the caller adds the stage's FROM.
func (c *converter) epochStageSource(n *stages.Node) (*llb.State, error) {
	if n.BaseName != "scratch" {
		return nil, errors.Errorf("SOURCE_DATE_EPOCH stage must use FROM scratch, not FROM %s", n.BaseName)
	}
	env := c.df.GlobalArgs.Clone()
	env.Delete(epochKey)
	var src *llb.State
	for _, cmd := range n.Stage.Commands {
		var err error
		switch cmd := cmd.(type) {
		case *instructions.ArgCommand:
			err = c.epochStageArgs(cmd, env)
		case *instructions.AddCommand:
			if src != nil {
				err = errors.New("SOURCE_DATE_EPOCH stage must contain exactly one remote ADD; it has two")
				break
			}
			src, err = c.epochAddSource(cmd, env)
		default:
			err = errors.Errorf("SOURCE_DATE_EPOCH stage does not meet source-only requirements: unsupported %s instruction "+
				"(the stage may hold only ARG and one ADD of a URL)", cmd.Name())
		}
		if err != nil {
			return nil, parser.WithLocation(err, cmd.Location())
		}
	}
	if src == nil {
		return nil, errors.New("SOURCE_DATE_EPOCH stage must contain exactly one remote ADD; it has none")
	}
	return src, nil
}

// epochStageArgs sets the stage's ARGs in env. No global fallback: env
// holds every global already, and an ARG without a value keeps what an
// earlier one of its name gave.
func (c *converter) epochStageArgs(cmd *instructions.ArgCommand, env *stages.Args) error {
	scope := func() shell.EnvGetter { return env }
	for _, a := range cmd.Args {
		v, err := stages.StageArgValue(&c.lex, a, c.opt.BuildArgs, nil, scope)
		if err != nil {
			return err
		}
		if v.Value != nil {
			env.Set(a.Key, *v.Value)
		}
	}
	return nil
}

// epochAddSource is the source of the stage's ADD: an HTTP(S) download or
// a git checkout.
func (c *converter) epochAddSource(cmd *instructions.AddCommand, env *stages.Args) (*llb.State, error) {
	if len(cmd.SourceContents) != 0 || len(cmd.SourcePaths) != 1 {
		return nil, errors.New("SOURCE_DATE_EPOCH stage must contain exactly one remote ADD source")
	}
	src, _, err := c.lex.ProcessWord(cmd.SourcePaths[0], env)
	if err != nil {
		return nil, err
	}
	checksum := cmd.Checksum
	if checksum != "" {
		if checksum, _, err = c.lex.ProcessWord(checksum, env); err != nil {
			return nil, err
		}
	}
	var st llb.State
	if isHTTP(src) {
		st, _, err = httpSource(src, checksum)
		return &st, err
	}
	ref, ok, err := parseGitSource(src)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.Errorf("SOURCE_DATE_EPOCH stage source must be a single HTTP(S) or Git ADD, not %s", src)
	}
	st, err = c.gitSource(ref, cmd.KeepGitDir, checksum)
	return &st, err
}

// epochFromState asks BuildKit for the time of st's only source: a git
// commit's committer date, an HTTP Last-Modified header, or else the
// newest file in a downloaded archive. Nil when there is none.
func epochFromState(ctx context.Context, st llb.State, bc *dockerui.Client, logName string) (*time.Time, error) {
	op, err := onlySource(ctx, st, bc)
	if err != nil || op == nil {
		return nil, err
	}
	isGit := strings.HasPrefix(op.Identifier, "git://")
	isHTTP := strings.HasPrefix(op.Identifier, "http://") || strings.HasPrefix(op.Identifier, "https://")
	if !isGit && !isHTTP {
		return nil, nil // a local directory or an image has no source time
	}
	opt := sourceresolver.Opt{LogName: logName}
	if isGit {
		opt.GitOpt = &sourceresolver.ResolveGitOpt{ReturnObject: true}
	}
	md, err := bc.GatewayClient().ResolveSourceMetadata(ctx, op, opt)
	if err != nil {
		return nil, err
	}
	switch {
	case md.Git != nil && len(md.Git.CommitObject) > 0:
		obj, err := gitobject.Parse(md.Git.CommitObject)
		if err != nil {
			return nil, err
		}
		commit, err := obj.ToCommit()
		if err != nil {
			return nil, err
		}
		t := commit.Committer.When.UTC()
		return &t, nil
	case md.HTTP != nil && md.HTTP.LastModified != nil:
		t := md.HTTP.LastModified.UTC()
		return &t, nil
	}
	name := op.Attrs[pb.AttrHTTPFilename]
	if !isHTTP || name == "" {
		return nil, nil
	}
	return newestInDownload(ctx, op, bc, name)
}

// newestInDownload fetches a download without a Last-Modified header and,
// when it is a (compressed) tar archive, returns the newest modification
// time of a regular file in it; nil for anything else.
func newestInDownload(ctx context.Context, op *pb.SourceOp, bc *dockerui.Client, name string) (*time.Time, error) {
	st := llb.NewState(llb.NewSource(op.Identifier, maps.Clone(op.Attrs), llb.Constraints{}).Output())
	def, err := st.Marshal(ctx, llb.WithCaps(bc.BuildOpts().Caps))
	if err != nil {
		return nil, err
	}
	res, err := bc.GatewayClient().Solve(ctx, gwclient.SolveRequest{Definition: def.ToPB()})
	if err != nil {
		return nil, err
	}
	ref, err := res.SingleRef()
	if err != nil {
		return nil, err
	}
	dt, err := dockerui.ReadFile(ctx, ref, name)
	if err != nil {
		return nil, err
	}
	return newestInArchive(dt), nil
}

// newestInArchive is the newest regular file's mtime in a tar archive,
// compressed or not; nil when dt is not one or cannot be read to its end.
func newestInArchive(dt []byte) *time.Time {
	r, err := compression.DecompressStream(bytes.NewReader(dt))
	if err != nil {
		return nil
	}
	defer r.Close()
	var newest *time.Time
	err = tarfiles.Each(r, func(h *tar.Header, _ io.Reader) error {
		if t := h.ModTime.UTC(); newest == nil || t.After(*newest) {
			newest = &t
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return newest
}

// onlySource is the source op of st when st reads exactly one source; nil
// otherwise.
func onlySource(ctx context.Context, st llb.State, bc *dockerui.Client) (*pb.SourceOp, error) {
	def, err := st.Marshal(ctx, llb.WithCaps(bc.BuildOpts().Caps))
	if err != nil {
		return nil, err
	}
	var src *pb.SourceOp
	for _, dt := range def.ToPB().Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, err
		}
		s := op.GetSource()
		if s == nil {
			continue
		}
		if src != nil {
			return nil, nil
		}
		src = s
	}
	return src, nil
}
