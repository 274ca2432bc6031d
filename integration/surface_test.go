package integration

// The Dockerfile surface of issue 4, built for real: RUN mounts (cache,
// secret, ssh), COPY --link/--parents/--exclude, ADD from HTTP and git
// servers on 127.0.0.1, every kind of named context replacing a stage, a
// two-platform build and ONBUILD through two levels.
//
// Most of these builds attach things to the client's session (secrets, an
// SSH agent, OCI stores, frontend inputs, extra local directories): see
// scenario.attach. buildx is left out where it cannot attach them (an
// in-memory secret store, frontend inputs, an OCI store).

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/core/content"
	contentlocal "github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/session/sshforward/sshprovider"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestSurfaceCacheMount: a cache mount keeps what one build wrote for the
// next build, stays out of the image, and BUILDKIT_CACHE_MOUNT_NS gives a
// build a cache of its own.
func TestSurfaceCacheMount(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
		// BuildKit leaves a cache mount's id out of the RUN's cache key, so
		// every RUN below names this run's token: a RUN of an earlier run
		// (or mode) must not be reused in place of reading the cache.
		id := "surface-" + string(m) + "-" + freshNonce(t)
		token := freshNonce(t)
		write := &scenario{dockerfile: fmt.Sprintf(`
FROM busybox
RUN --mount=type=cache,id=%s,target=/cache echo %s > /cache/token && echo wrote > /wrote
`, id, token)}
		r := write.mustBuild(t, e, m)
		wantFile(t, r, "wrote", "wrote\n")
		wantNoFile(t, r, "cache/token")

		read := &scenario{dockerfile: fmt.Sprintf(`
FROM busybox
WORKDIR /work
RUN --mount=type=cache,id=%s,target=/cache,sharing=locked cp /cache/token /token && echo read %s > /read
`, id, token)}
		r = read.mustBuild(t, e, m)
		wantFile(t, r, "token", token+"\n")

		// The same id in another namespace is another, empty cache; the
		// relative target is under the WORKDIR.
		other := &scenario{
			dockerfile: fmt.Sprintf(`
FROM busybox
WORKDIR /work
RUN --mount=type=cache,id=%s,target=cache ls -A /work/cache > /listing && test ! -e /cache && echo other %s > /other
`, id, token),
			buildArgs: map[string]string{"BUILDKIT_CACHE_MOUNT_NS": "surface-other-" + token},
		}
		r = other.mustBuild(t, e, m)
		wantFile(t, r, "listing", "")
		wantFile(t, r, "other", "other "+token+"\n")
	})
}

// TestSurfaceSecret: a secret reaches RUN as a file (default path, target=
// and mode=) and as an environment variable (env=), and is in neither the
// exported filesystem nor the image config and history.
func TestSurfaceSecret(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	forEachMode(t, e, withBuildx(baseModes), func(t *testing.T, m mode) {
		// BuildKit leaves secrets out of a RUN's cache key: a fresh secret
		// alone would not make the RUNs execute again, so a build arg
		// that every RUN sees is fresh too (see freshRunArg).
		secret := "s3cret-" + freshNonce(t)
		attach := []session.Attachable{secretsprovider.FromMap(map[string][]byte{"token": []byte(secret)})}
		secretFile := filepath.Join(t.TempDir(), "token")
		write(t, secretFile, secret)
		cli := []string{"--secret", "id=token,src=" + secretFile}
		sum := hexSHA256([]byte(secret))
		ok := &scenario{
			dockerfile: `
FROM busybox
ARG SURFACE_RUN
RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -d' ' -f1 > /file.sha
RUN --mount=type=secret,id=token,env=TOKEN printf %s "$TOKEN" | sha256sum | cut -d' ' -f1 > /env.sha && test ! -e /run/secrets/token
RUN --mount=type=secret,id=token,target=/etc/app/token,mode=0440 stat -c %a /etc/app/token > /mode && sha256sum /etc/app/token | cut -d' ' -f1 > /target.sha
RUN --mount=type=secret,id=absent test ! -e /run/secrets/absent && echo optional > /absent
RUN test ! -s /run/secrets/token && test -z "$TOKEN" && echo gone > /after
`,
			buildArgs: freshRunArg(t),
			attach:    attachments{providers: attach, buildx: cli},
		}
		missing := &scenario{
			dockerfile: `
FROM busybox
ARG SURFACE_RUN
RUN --mount=type=secret,id=absent,required=true true
`,
			buildArgs: freshRunArg(t),
			attach:    attachments{providers: attach, buildx: cli},
		}
		r := ok.mustBuild(t, e, m)
		wantFile(t, r, "file.sha", sum+"\n")
		wantFile(t, r, "env.sha", sum+"\n")
		wantFile(t, r, "target.sha", sum+"\n")
		wantFile(t, r, "mode", "440\n")
		wantFile(t, r, "absent", "optional\n")
		wantFile(t, r, "after", "gone\n")
		wantNoFile(t, r, "run/secrets/token")
		wantNoFile(t, r, "etc/app/token")
		err := filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			dt, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(dt, []byte(secret)) {
				rel, _ := filepath.Rel(r.dir, p)
				t.Errorf("the secret is in the exported file /%s", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := json.Marshal(r.image)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(cfg, []byte(secret)) {
			t.Errorf("the secret is in the image config or history:\n%s", cfg)
		}
		if v, found := r.env(t, "TOKEN"); found {
			t.Errorf("image Env has TOKEN=%q; an env= secret must not reach the config", v)
		}
		if strings.Contains(r.log, secret) {
			t.Errorf("the secret is in the build's progress output")
		}
		if len(r.image.History) == 0 {
			t.Errorf("the image has no history to check")
		}

		missing.mustFail(t, e, m, &wantError{
			contains: []string{"secret absent: not found"},
			lines:    []int{4},
		})
	})
}

// TestSurfaceSSH: an ssh mount forwards the client's agent into RUN, at
// $SSH_AUTH_SOCK by default and at target= for another id; a static client
// lists the agent's key from inside the build, so the socket really answers.
func TestSurfaceSSH(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	tools := t.TempDir()
	buildStaticGo(t, filepath.Join(tools, "agentls"), "./testdata/agentls")
	forEachMode(t, e, withBuildx(baseModes), func(t *testing.T, m mode) {
		// A fresh key per mode, and a fresh build arg: the agent is not
		// part of a RUN's cache key (see freshRunArg).
		keyFile, fingerprint := newSSHKeyFile(t)
		agent, err := sshprovider.NewSSHAgentProvider([]sshprovider.AgentConfig{
			{ID: "default", Paths: []string{keyFile}},
			{ID: "deploy", Paths: []string{keyFile}},
		})
		if err != nil {
			t.Fatal(err)
		}
		cli := []string{"--ssh", "default=" + keyFile, "--ssh", "deploy=" + keyFile}
		ok := &scenario{
			dockerfile: `
FROM busybox
ARG SURFACE_RUN
RUN --mount=type=ssh test -S "$SSH_AUTH_SOCK" && echo "$SSH_AUTH_SOCK" > /default-sock
RUN --mount=type=ssh,id=deploy,target=/run/deploy.sock,mode=0600 test -S /run/deploy.sock && stat -c %a /run/deploy.sock > /deploy-mode
RUN --mount=type=ssh,id=deploy,target=/tmp/agent.sock --mount=type=bind,from=tools,target=/tools SSH_AUTH_SOCK=/tmp/agent.sock /tools/agentls > /keys
RUN --mount=type=ssh,id=absent test -z "$SSH_AUTH_SOCK" -o ! -S "$SSH_AUTH_SOCK" && echo optional > /absent
RUN test -z "$SSH_AUTH_SOCK" && test ! -S /run/deploy.sock && echo gone > /after
`,
			buildArgs: freshRunArg(t),
			attrs:     map[string]string{"context:tools": "local:tools"},
			attach: attachments{
				locals:    map[string]string{"tools": tools},
				providers: []session.Attachable{agent},
				buildx:    cli,
			},
		}
		missing := &scenario{
			dockerfile: `
FROM busybox
ARG SURFACE_RUN
RUN --mount=type=ssh,id=absent,required=true true
`,
			buildArgs: freshRunArg(t),
			attach:    attachments{providers: []session.Attachable{agent}, buildx: cli},
		}
		r := ok.mustBuild(t, e, m)
		if got := r.file(t, "default-sock"); !strings.HasPrefix(got, "/") {
			t.Errorf("SSH_AUTH_SOCK in RUN = %q, want a path", got)
		}
		wantFile(t, r, "deploy-mode", "600\n")
		wantFile(t, r, "keys", fingerprint+" \n")
		wantFile(t, r, "absent", "optional\n")
		wantFile(t, r, "after", "gone\n")
		wantNoFile(t, r, "run/deploy.sock")
		missing.mustFail(t, e, m, &wantError{
			contains: []string{"unset ssh forward key absent"},
			lines:    []int{4},
		})
	})
}

// freshRunArg is the build arg SURFACE_RUN with a fresh value. A Dockerfile
// that declares ARG SURFACE_RUN right after FROM gets it in every RUN's
// environment, so no RUN can be answered from the cache of an earlier build:
// needed where what a RUN reads (a secret, an SSH agent) is not part of its
// cache key.
func freshRunArg(t *testing.T) map[string]string {
	return map[string]string{"SURFACE_RUN": freshNonce(t)}
}

// newSSHKeyFile writes a fresh ed25519 private key (PKCS #8 PEM, which
// BuildKit's agent provider loads into an in-memory agent: no ssh-agent
// process) and returns its path and its SHA256 fingerprint as ssh-add -l
// prints it.
func newSSHKeyFile(t *testing.T) (path, fingerprint string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	// The SSH wire form of the public key: string "ssh-ed25519", string key.
	var blob []byte
	for _, part := range [][]byte{[]byte("ssh-ed25519"), pub} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(part)))
		blob = append(blob, part...)
	}
	sum := sha256.Sum256(blob)
	return path, "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// buildStaticGo builds a static linux/amd64 binary of pkg (a package path
// in this module, relative to this directory).
func buildStaticGo(t *testing.T, out, pkg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if dt, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, dt)
	}
}

// TestSurfaceCopyFlags: COPY --link (from a stage and from the context, with
// RUN after it), --parents (with and without the /./ pivot) and --exclude.
func TestSurfaceCopyFlags(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	b := &scenario{
		dockerfile: `
FROM busybox AS base
RUN mkdir -p /opt && echo from-base > /opt/base.txt

FROM busybox
RUN echo before > /before
COPY --link --from=base /opt/base.txt /linked/base.txt
COPY --link --chmod=0750 a/keep.txt /linked/
RUN cat /before /linked/base.txt > /linked-seen && stat -c %a /linked/keep.txt >> /linked-seen
COPY --parents a/sub/deep.txt src/app/one/main.go /parents/
COPY --parents ./src/./app/*/main.go /pivot/
COPY --exclude=*.log --exclude=tmp a/ /excluded/
COPY --parents --exclude=**/*.md src/./app /both/
`,
		files: map[string]string{
			"a/keep.txt":          "keep\n",
			"a/skip.log":          "skip\n",
			"a/sub/deep.txt":      "deep\n",
			"a/sub/deep.log":      "deep log\n",
			"a/tmp/t.txt":         "tmp\n",
			"src/app/one/main.go": "package one\n",
			"src/app/two/main.go": "package two\n",
			"src/app/two/doc.md":  "# two\n",
			"src/other/x.go":      "package other\n",
		},
	}
	forEachMode(t, e, withBuildx(baseModes), func(t *testing.T, m mode) {
		r := b.mustBuild(t, e, m)
		wantFile(t, r, "linked/base.txt", "from-base\n")
		wantFile(t, r, "linked/keep.txt", "keep\n")
		wantFile(t, r, "linked-seen", "before\nfrom-base\n750\n")

		wantFile(t, r, "parents/a/sub/deep.txt", "deep\n")
		wantFile(t, r, "parents/src/app/one/main.go", "package one\n")
		wantNoFile(t, r, "parents/deep.txt")
		wantNoFile(t, r, "parents/main.go")

		wantFile(t, r, "pivot/app/one/main.go", "package one\n")
		wantFile(t, r, "pivot/app/two/main.go", "package two\n")
		wantNoFile(t, r, "pivot/src")
		wantNoFile(t, r, "pivot/app/two/doc.md")

		if got, want := exportedFilesUnder(t, r, "excluded"), []string{"keep.txt", "sub/deep.log", "sub/deep.txt"}; !reflect.DeepEqual(got, want) {
			t.Errorf("COPY --exclude=*.log --exclude=tmp a/ gave %v, want %v", got, want)
		}
		if got, want := exportedFilesUnder(t, r, "both"), []string{"app/one/main.go", "app/two/main.go"}; !reflect.DeepEqual(got, want) {
			t.Errorf("COPY --parents --exclude=**/*.md src/./app gave %v, want %v", got, want)
		}
	})
}

// exportedFilesUnder lists the exported files below dir, relative to it.
func exportedFilesUnder(t *testing.T, r *result, dir string) []string {
	t.Helper()
	var out []string
	for _, f := range r.files(t) {
		if rest, ok := strings.CutPrefix(f, dir+"/"); ok {
			out = append(out, rest)
		}
	}
	return out
}

// TestSurfaceAddHTTP: ADD from an HTTP server on 127.0.0.1, with a right
// --checksum, without one, an archive kept as it is and one unpacked with
// --unpack; a wrong --checksum fails the build.
func TestSurfaceAddHTTP(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	payload := []byte("payload " + freshNonce(t) + "\n")
	archive := gzippedTar(t, map[string]string{"inner/one.txt": "one\n"})
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	url := loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/file.txt":
			http.ServeContent(w, r, "file.txt", mtime, bytes.NewReader(payload))
		case "/archive.tar.gz":
			w.Header().Set("Content-Type", "application/gzip")
			http.ServeContent(w, r, "archive.tar.gz", mtime, bytes.NewReader(archive))
		default:
			http.NotFound(w, r)
		}
	}))
	good := "sha256:" + hexSHA256(payload)
	bad := "sha256:" + hexSHA256([]byte("something else"))
	ok := &scenario{dockerfile: strings.NewReplacer("{{URL}}", url, "{{SUM}}", good).Replace(`
FROM scratch
ADD --checksum={{SUM}} {{URL}}/file.txt /checked.txt
ADD {{URL}}/file.txt /downloads/
ADD {{URL}}/archive.tar.gz /kept/
ADD --unpack=true {{URL}}/archive.tar.gz /unpacked/
`)}
	wrong := &scenario{dockerfile: strings.NewReplacer("{{URL}}", url, "{{SUM}}", bad).Replace(`
FROM scratch
ADD --checksum={{SUM}} {{URL}}/file.txt /checked.txt
`)}
	forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
		r := ok.mustBuild(t, e, m)
		wantFile(t, r, "checked.txt", string(payload))
		wantFile(t, r, "downloads/file.txt", string(payload))
		if got := r.file(t, "kept/archive.tar.gz"); got != string(archive) {
			t.Errorf("/kept/archive.tar.gz is not the archive as served (%d bytes, want %d)", len(got), len(archive))
		}
		wantFile(t, r, "unpacked/inner/one.txt", "one\n")
		wrong.mustFail(t, e, m, &wantError{
			// No Dockerfile line: the error comes from the HTTP source op,
			// which neither frontend gives a source location.
			contains: []string{"digest mismatch", bad},
		})
	})
}

// gzippedTar is a gzipped tar holding files.
func gzippedTar(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var entries []tarEntry
	for _, name := range slices.Sorted(maps.Keys(files)) {
		entries = append(entries, tarEntry{name, files[name], 1700000000})
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(tarOf(t, entries...)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSurfaceAddGit: ADD from a git repository that `git http-backend`
// serves on 127.0.0.1: a tag with a subdirectory (#ref:subdir and the query
// form), a branch, --keep-git-dir, and --checksum with the right and a
// wrong commit.
func TestSurfaceAddGit(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	url, commits := serveGitRepo(t)
	repl := strings.NewReplacer("{{REPO}}", url+"/repo.git", "{{V1}}", commits["v1"], "{{V2}}", commits["main"])
	ok := &scenario{dockerfile: repl.Replace(`
FROM scratch
ADD {{REPO}}#v1:sub /sub-v1/
ADD {{REPO}}#main /main/
ADD --keep-git-dir=true {{REPO}}#v1 /kept/
ADD {{REPO}}?ref=v1&subdir=sub /query/
ADD --checksum={{V1}} {{REPO}}#v1 /checked/
`)}
	wrong := &scenario{dockerfile: repl.Replace(`
FROM scratch
ADD --checksum={{V2}} {{REPO}}#v1 /checked/
`)}
	forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
		r := ok.mustBuild(t, e, m)
		if got, want := exportedFilesUnder(t, r, "sub-v1"), []string{"inner.txt"}; !reflect.DeepEqual(got, want) {
			t.Errorf("#v1:sub gave %v, want %v", got, want)
		}
		wantFile(t, r, "sub-v1/inner.txt", "inner v1\n")
		wantFile(t, r, "main/README", "v2\n")
		wantFile(t, r, "main/sub/inner.txt", "inner v2\n")
		wantFile(t, r, "main/sub/added.txt", "added in v2\n")
		wantNoFile(t, r, "main/.git")
		wantFile(t, r, "kept/README", "v1\n")
		if !r.exists("kept/.git/HEAD") {
			t.Errorf("--keep-git-dir=true: no /kept/.git/HEAD (files: %v)", exportedFilesUnder(t, r, "kept"))
		}
		wantNoFile(t, r, "kept/sub/added.txt")
		wantFile(t, r, "query/inner.txt", "inner v1\n")
		wantFile(t, r, "checked/README", "v1\n")
		wantNoFile(t, r, "checked/.git")
		wrong.mustFail(t, e, m, &wantError{
			// No Dockerfile line, as with ADD from HTTP.
			contains: []string{"expected checksum to match " + commits["main"]},
		})
	})
}

// serveGitRepo makes a repository with two commits (tag v1, then branch
// main) and serves it with git http-backend (the smart HTTP protocol) on
// 127.0.0.1. Each request runs one short-lived git process.
func serveGitRepo(t *testing.T) (string, map[string]string) {
	t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("git is needed (apt-get install git): %v", err)
	}
	root := t.TempDir()
	work := filepath.Join(root, "work")
	env := append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=multistage", "GIT_AUTHOR_EMAIL=multistage@127.0.0.1",
		"GIT_COMMITTER_NAME=multistage", "GIT_COMMITTER_EMAIL=multistage@127.0.0.1",
		"GIT_AUTHOR_DATE=2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2024-01-01T00:00:00Z",
	)
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(gitBin, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write(t, filepath.Join(work, "README"), "v1\n")
	write(t, filepath.Join(work, "sub/inner.txt"), "inner v1\n")
	git(root, "init", "-q", "-b", "main", work)
	git(work, "add", "-A")
	git(work, "commit", "-q", "-m", "v1")
	git(work, "tag", "v1")
	commits := map[string]string{"v1": git(work, "rev-parse", "HEAD")}
	write(t, filepath.Join(work, "README"), "v2\n")
	write(t, filepath.Join(work, "sub/inner.txt"), "inner v2\n")
	write(t, filepath.Join(work, "sub/added.txt"), "added in v2\n")
	git(work, "add", "-A")
	git(work, "commit", "-q", "-m", "v2")
	commits["main"] = git(work, "rev-parse", "HEAD")
	git(root, "clone", "-q", "--bare", work, filepath.Join(root, "repo.git"))

	url := loopbackServer(t, &cgi.Handler{
		Path: gitBin,
		Args: []string{"http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"},
	})
	return url, commits
}

// TestSurfaceNamedContexts: each kind of named context replaces a stage
// (whose own FROM names an image that does not exist and whose RUN would
// fail): docker-image://, local:, oci-layout://, input:, and local: per
// platform (name::os/arch) in a two-platform build.
func TestSurfaceNamedContexts(t *testing.T) {
	e := requireRegistry(t)
	t.Parallel()
	tag := freshNonce(t)

	// A stage replaced by an image-like context: the next stage is built
	// FROM it, so its filesystem, shell and ENV all come from the context.
	const fromBase = `
FROM {{REGISTRY}}/multistage/never-pushed:never AS base
RUN false

FROM base
RUN cat /which > /seen && echo "$CTX_KIND" > /kind
`
	// A directory has no shell: copy from it instead.
	const copyBase = `
FROM {{REGISTRY}}/multistage/never-pushed:never AS base
RUN false

FROM busybox
COPY --from=base /which /seen
`
	imageCheck := func(kind string) func(t *testing.T, r *result) {
		return func(t *testing.T, r *result) {
			wantFile(t, r, "seen", kind+"\n")
			wantFile(t, r, "kind", kind+"\n")
			if v, _ := r.env(t, "CTX_KIND"); v != kind {
				t.Errorf("image Env CTX_KIND = %q, want %q (the context's config is the stage's)", v, kind)
			}
		}
	}
	ctxImage := func(kind string) string {
		return fmt.Sprintf("FROM busybox\nRUN echo %s > /which\nENV CTX_KIND=%s\n", kind, kind)
	}

	type kind struct {
		name   string
		setup  func(t *testing.T) *scenario
		check  func(t *testing.T, r *result)
		buildx bool // also as docker buildx build --build-context
	}
	kinds := []kind{
		{
			name: "docker-image",
			setup: func(t *testing.T) *scenario {
				ref := e.registry + "/multistage/surface-context:" + tag
				pushImage(t, e, ref, ctxImage("docker-image"))
				return &scenario{dockerfile: fromBase, attrs: map[string]string{"context:base": "docker-image://" + ref}}
			},
			check: imageCheck("docker-image"),
		},
		{
			name: "local",
			setup: func(t *testing.T) *scenario {
				dir := t.TempDir()
				write(t, filepath.Join(dir, "which"), "local\n")
				return &scenario{
					dockerfile: copyBase,
					attrs:      map[string]string{"context:base": "local:basedir"},
					attach:     attachments{locals: map[string]string{"basedir": dir}},
				}
			},
			check:  func(t *testing.T, r *result) { wantFile(t, r, "seen", "local\n") },
			buildx: true,
		},
		{
			name: "oci-layout",
			setup: func(t *testing.T) *scenario {
				store, dgst := buildOCILayout(t, e, ctxImage("oci-layout"))
				return &scenario{
					dockerfile: fromBase,
					attrs:      map[string]string{"context:base": "oci-layout://surfacestore@" + dgst},
					attach:     attachments{ociStores: map[string]content.Store{"surfacestore": store}},
				}
			},
			check: imageCheck("oci-layout"),
		},
		{
			name: "input",
			setup: func(t *testing.T) *scenario {
				st := llb.Image("docker.io/library/busybox:latest").
					File(llb.Mkfile("/which", 0o644, []byte("input\n")))
				cfg, err := json.Marshal(ocispecs.Image{
					Platform: ocispecs.Platform{OS: "linux", Architecture: "amd64"},
					Config: ocispecs.ImageConfig{
						Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "CTX_KIND=input"},
					},
					RootFS: ocispecs.RootFS{Type: "layers"},
				})
				if err != nil {
					t.Fatal(err)
				}
				md, err := json.Marshal(map[string][]byte{"containerimage.config": cfg})
				if err != nil {
					t.Fatal(err)
				}
				return &scenario{
					dockerfile: fromBase,
					attrs:      map[string]string{"context:base": "input:baseinput", "input-metadata:baseinput": string(md)},
					attach:     attachments{inputs: map[string]llb.State{"baseinput": st}},
				}
			},
			check: imageCheck("input"),
		},
		{
			name: "local-per-platform",
			setup: func(t *testing.T) *scenario {
				amd, i386 := t.TempDir(), t.TempDir()
				write(t, filepath.Join(amd, "which"), "amd64 dir\n")
				write(t, filepath.Join(i386, "which"), "386 dir\n")
				return &scenario{
					dockerfile: copyBase,
					platform:   "linux/amd64,linux/386",
					attrs: map[string]string{
						"context:base::linux/amd64": "local:base-amd64",
						"context:base::linux/386":   "local:base-386",
					},
					attach: attachments{locals: map[string]string{"base-amd64": amd, "base-386": i386}},
				}
			},
			check: func(t *testing.T, r *result) {
				wantFile(t, r, "linux_amd64/seen", "amd64 dir\n")
				wantFile(t, r, "linux_386/seen", "386 dir\n")
				if len(r.images) != 2 || r.images["linux/amd64"] == nil || r.images["linux/386"] == nil {
					t.Errorf("images for %v, want linux/amd64 and linux/386", keysOfImages(r.images))
				}
			},
		},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			b := k.setup(t)
			modes := baseModes
			if k.buildx {
				modes = withBuildx(modes)
			}
			forEachMode(t, e, modes, func(t *testing.T, m mode) {
				k.check(t, b.mustBuild(t, e, m))
			})
		})
	}
}

// buildOCILayout builds dockerfile with BuildKit's own frontend into an OCI
// layout directory and returns it as a content store, with the digest of
// the image's manifest.
func buildOCILayout(t *testing.T, e *environment, dockerfile string) (content.Store, string) {
	t.Helper()
	layout := filepath.Join(t.TempDir(), "layout")
	err := builtinBuild(t, e, dockerfile, client.ExportEntry{
		Type:      client.ExporterOCI,
		OutputDir: layout,
		Attrs:     map[string]string{"tar": "false", "name": "surface-context"},
	})
	if err != nil {
		t.Fatalf("building the OCI layout: %v", err)
	}
	dgst := layoutManifest(t, layout)
	store, err := contentlocal.NewStore(layout)
	if err != nil {
		t.Fatal(err)
	}
	return store, dgst
}

// TestSurfaceTwoPlatforms: one build for linux/amd64 and linux/386 (both run
// on this machine), checked per platform: the platform ARGs in RUN, a stage
// that runs on the build platform for each target, and each image's config.
func TestSurfaceTwoPlatforms(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	b := &scenario{
		dockerfile: `
FROM --platform=$BUILDPLATFORM busybox AS gen
ARG TARGETARCH BUILDPLATFORM
RUN echo "generated on $BUILDPLATFORM for $TARGETARCH" > /gen

FROM busybox
ARG TARGETPLATFORM TARGETOS TARGETARCH
COPY --from=gen /gen /gen
RUN echo "$TARGETPLATFORM $TARGETOS $TARGETARCH" > /target
ENV BUILT_FOR=$TARGETPLATFORM
`,
		platform: "linux/amd64,linux/386",
	}
	forEachMode(t, e, withBuildx(baseModes), func(t *testing.T, m mode) {
		r := b.mustBuild(t, e, m)
		for plat, arch := range map[string]string{"linux/amd64": "amd64", "linux/386": "386"} {
			dir := strings.ReplaceAll(plat, "/", "_")
			wantFile(t, r, dir+"/target", plat+" linux "+arch+"\n")
			wantFile(t, r, dir+"/gen", "generated on linux/amd64 for "+arch+"\n")
			img := r.images[plat]
			if img == nil {
				t.Errorf("no %s image in the result (have %v)", plat, keysOfImages(r.images))
				continue
			}
			if img.Architecture != arch || img.OS != "linux" {
				t.Errorf("%s image config says %s/%s", plat, img.OS, img.Architecture)
			}
			var env string
			for _, kv := range img.Config.Env {
				if v, ok := strings.CutPrefix(kv, "BUILT_FOR="); ok {
					env = v
				}
			}
			if env != plat {
				t.Errorf("%s image: ENV BUILT_FOR=%q", plat, env)
			}
		}
		if len(r.images) != 2 {
			t.Errorf("result has images for %v, want exactly linux/amd64 and linux/386", keysOfImages(r.images))
		}
	})
}

// TestSurfaceOnbuild: ONBUILD triggers through two levels, from images in
// the registry and from stages. Level 1's trigger runs when level 2 is
// built, level 2's when the final image is; a trigger that copies --from a
// stage of the final Dockerfile pulls that stage into the build.
func TestSurfaceOnbuild(t *testing.T) {
	e := requireRegistry(t)
	t.Parallel()
	tag := freshNonce(t)
	level1 := e.registry + "/multistage/surface-onbuild-1:" + tag
	t.Run("images", func(t *testing.T) {
		pushImage(t, e, level1, `
FROM busybox
ONBUILD RUN echo one >> /trace
`)
		forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
			level2 := e.registry + "/multistage/surface-onbuild-2-" + string(m) + ":" + tag
			l2 := &scenario{
				dockerfile: `
FROM ` + level1 + `
ONBUILD COPY --from=data /data /from-data
ONBUILD RUN echo two >> /trace
`,
				push: level2,
			}
			r := l2.mustBuild(t, e, m)
			wantFile(t, r, "trace", "one\n")
			// Level 1's trigger is used up; level 2's own are kept.
			wantOnbuild(t, "level 2", exportedConfig(t, r).Config.OnBuild, []string{"COPY --from=data /data /from-data", "RUN echo two >> /trace"})

			final := &scenario{dockerfile: `
FROM busybox AS data
RUN echo data > /data

FROM busybox AS unused
RUN false

FROM ` + level2 + `
RUN echo three >> /trace
`}
			r = final.mustBuild(t, e, m)
			wantFile(t, r, "trace", "one\ntwo\nthree\n")
			wantFile(t, r, "from-data", "data\n")
			wantOnbuild(t, "final image", exportedConfig(t, r).Config.OnBuild, nil)
		})
	})
	t.Run("stages", func(t *testing.T) {
		b := &scenario{dockerfile: `
FROM busybox AS data
RUN echo data > /data

FROM busybox AS a
ONBUILD RUN echo a >> /trace

FROM a AS b
ONBUILD COPY --from=data /data /from-data
ONBUILD RUN echo b >> /trace

FROM b AS c
RUN echo c >> /trace
`}
		forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
			r := b.mustBuild(t, e, m)
			wantFile(t, r, "trace", "a\nb\nc\n")
			wantFile(t, r, "from-data", "data\n")
			wantOnbuild(t, "final stage", exportedConfig(t, r).Config.OnBuild, nil)
		})
	})
}

func wantOnbuild(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: OnBuild = %q, want %q", what, got, want)
	}
}
