// Package fakefiles is a stages.FileReader over files held in memory, for
// tests: it records every ReadFiles call, so a test can assert that a
// build reads each nesting level in one call, and it applies the reader's
// size limit, so the limit tests run offline.
package fakefiles

import (
	"context"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Reader answers from Files.
type Reader struct {
	// Files are the files by context and path; the build context ("")
	// always exists.
	Files map[stages.FileRef]string
	// Contexts are the named contexts that exist besides those Files
	// holds a file of.
	Contexts map[string]bool
	// Fail makes every read of a context fail with its error, as a git
	// fetch or an image pull may.
	Fail map[string]error
	// Limit is the size over which a file is not read; 0 means
	// stages.MaxIncludeFileBytes.
	Limit int64

	mu sync.Mutex
	// Calls holds the refs of every ReadFiles call, in order.
	Calls [][]stages.FileRef
}

// New is a Reader of the build context files given as path, content
// pairs.
func New(pathsAndContents ...string) *Reader {
	r := &Reader{Files: map[stages.FileRef]string{}}
	for i := 0; i+1 < len(pathsAndContents); i += 2 {
		r.Files[stages.FileRef{Path: pathsAndContents[i]}] = pathsAndContents[i+1]
	}
	return r
}

// ReadFiles implements stages.FileReader.
func (r *Reader) ReadFiles(ctx context.Context, refs []stages.FileRef) ([]stages.FileResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.Calls = append(r.Calls, slices.Clone(refs))
	r.mu.Unlock()
	out := make([]stages.FileResult, len(refs))
	for i, ref := range refs {
		out[i] = r.read(ref)
	}
	return out, nil
}

// CallCount is the number of ReadFiles calls so far.
func (r *Reader) CallCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.Calls)
}

func (r *Reader) read(ref stages.FileRef) stages.FileResult {
	if err := r.Fail[ref.Context]; err != nil {
		return stages.FileResult{Err: err}
	}
	if !r.contextExists(ref.Context) {
		return stages.FileResult{Err: stages.ErrNoContext}
	}
	if data, ok := r.Files[ref]; ok {
		limit := r.Limit
		if limit == 0 {
			limit = stages.MaxIncludeFileBytes
		}
		if int64(len(data)) > limit {
			return stages.FileResult{Err: &stages.TooLargeError{Size: int64(len(data)), Limit: limit}}
		}
		return stages.FileResult{Data: []byte(data)}
	}
	if r.isDir(ref) {
		return stages.FileResult{Err: stages.ErrIsDir}
	}
	return stages.FileResult{Err: stages.ErrNotExist, Siblings: r.siblings(ref)}
}

func (r *Reader) contextExists(name string) bool {
	if name == "" || r.Contexts[name] {
		return true
	}
	for ref := range r.Files {
		if ref.Context == name {
			return true
		}
	}
	return false
}

func (r *Reader) isDir(ref stages.FileRef) bool {
	for f := range r.Files {
		if f.Context == ref.Context && (ref.Path == "." || strings.HasPrefix(f.Path, ref.Path+"/")) {
			return true
		}
	}
	return false
}

// siblings are the names in ref's directory, sorted.
func (r *Reader) siblings(ref stages.FileRef) []string {
	dir := path.Dir(ref.Path)
	var out []string
	for f := range r.Files {
		if f.Context == ref.Context && path.Dir(f.Path) == dir {
			out = append(out, path.Base(f.Path))
		}
	}
	slices.Sort(out)
	return out
}

// Platformless is r as the converter's include reader
// (dockerfile2llb.IncludeReader): the platform is ignored.
func (r *Reader) Platformless() PlatformReader { return PlatformReader{r} }

// PlatformReader reads r's files for any platform.
type PlatformReader struct{ r *Reader }

// ReadFiles implements dockerfile2llb.IncludeReader.
func (p PlatformReader) ReadFiles(ctx context.Context, _ ocispecs.Platform, refs []stages.FileRef) ([]stages.FileResult, error) {
	return p.r.ReadFiles(ctx, refs)
}
