package dockerfile2llb

import "testing"

// TestGitSourceShortcut holds parseGitSource's shortcut for sources without
// a colon to what BuildKit's git ref parser says of them.
func TestGitSourceShortcut(t *testing.T) {
	for _, src := range []string{
		"", ".", "./src", "../x", "src/main.go", "/etc/passwd", "*.go", "github.com/moby/buildkit",
		"github.com/moby/buildkit.git", "gitlab.com/a/b.git#main", "git@github.com", "a@b", "repo.git",
		"https://github.com/moby/buildkit.git", "git@github.com:moby/buildkit.git", "ssh://git@host/r.git",
		"git://host/r.git#v1:sub", "https://example.com/file.tar.gz", "C:\\path", "a:b",
	} {
		ref, isGit, err := parseGitSource(src)
		wantRef, wantGit, wantErr := parseGitRef(src)
		if isGit != wantGit || (err == nil) != (wantErr == nil) || (ref == nil) != (wantRef == nil) {
			t.Errorf("%q: got git=%v err=%v, the parser alone says git=%v err=%v", src, isGit, err, wantGit, wantErr)
		}
	}
}
