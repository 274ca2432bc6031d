package integration

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/tonistiigi/fsutil"
)

// TestEnvironment checks the harness itself, independent of our converter:
// BuildKit's builtin Dockerfile frontend builds on the daemon, the base
// images resolve through the docker.io mirror, and the frontend image is in
// the registry with the labels BuildKit needs.
func TestEnvironment(t *testing.T) {
	e := requireEnv(t)
	t.Run("builtin-dockerfile", func(t *testing.T) {
		s := &scenario{
			name: "environment",
			dockerfile: `
FROM busybox
RUN echo ok > /ok && test -x /bin/sh
`,
		}
		r, text, err := s.build(t, e, modeUpstream)
		if err != nil {
			t.Fatalf("a trivial build with BuildKit's own Dockerfile frontend failed: %s", text)
		}
		wantFile(t, r, "ok", "ok\n")
	})
	t.Run("frontend-image", func(t *testing.T) {
		if e.registry == "" {
			t.Skip("MULTISTAGE_REGISTRY is not set")
		}
		img := registryImage(t, e, e.frontend)
		for k, want := range map[string]string{
			"moby.buildkit.frontend.network.none": "true",
			"moby.buildkit.frontend.caps":         "moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts",
		} {
			if got := img.Config.Labels[k]; got != want {
				t.Errorf("frontend image label %s = %q, want %q", k, got, want)
			}
		}
		if got := strings.Join(img.Config.Entrypoint, " "); got != "/frontend" {
			t.Errorf("frontend image entrypoint = %q, want /frontend", got)
		}
	})
}

// TestBrokenFrontendImage proves that the image modes run the image they
// name: a frontend image whose entrypoint exits 1 makes gateway.v0, the
// syntax line and buildx fail, on a Dockerfile that builds with ours.
func TestBrokenFrontendImage(t *testing.T) {
	e := requireRegistry(t)
	ref := e.registry + "/myorg/multistage-broken:1"
	pushImage(t, e, ref, `
FROM busybox
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
ENTRYPOINT ["/bin/false"]
`)
	s := &scenario{
		name: "broken-frontend",
		dockerfile: `
FROM busybox
RUN echo ok > /ok
`,
	}
	broken := *e
	broken.frontend = ref
	modes := []mode{modeGateway, modeSyntax}
	if e.builder != "" {
		modes = append(modes, modeBuildx)
	}
	for _, m := range modes {
		t.Run(string(m), func(t *testing.T) {
			// Control: the same Dockerfile builds with the real image.
			if _, text, err := s.build(t, e, m); err != nil {
				t.Fatalf("control build with %s failed: %s", e.frontend, text)
			}
			_, text, err := s.build(t, &broken, m)
			if err == nil {
				t.Fatalf("build with the broken frontend %s succeeded; the %s mode does not run the image it names", ref, m)
			}
			if !strings.Contains(text, "multistage-broken") && !strings.Contains(strings.ToLower(text), "exit code: 1") &&
				!strings.Contains(text, "frontend grpc server closed unexpectedly") {
				t.Errorf("the error does not look like the broken frontend's failure:\n%s", text)
			}
			t.Logf("fails as it should: %s", firstLine(text))
		})
	}
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "ERROR") || strings.Contains(l, "failed") {
			return l
		}
	}
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// pushImage builds dockerfile with BuildKit's builtin frontend and pushes it
// as ref.
func pushImage(t *testing.T, e *environment, ref, dockerfile string) {
	t.Helper()
	err := builtinBuild(t, e, strings.TrimLeft(dockerfile, "\n"), client.ExportEntry{
		Type:  client.ExporterImage,
		Attrs: map[string]string{"name": ref, "push": "true"},
	})
	if err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
}

// builtinBuild builds dockerfile (with an empty context besides it) through
// BuildKit's builtin frontend and exports it as export says: the way tests
// make fixtures without depending on the frontend under test.
func builtinBuild(t *testing.T, e *environment, dockerfile string, export client.ExportEntry) error {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "Dockerfile"), dockerfile)
	fs, err := fsutil.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	_, err = c.Solve(ctx, nil, client.SolveOpt{
		Frontend:      "dockerfile.v0",
		LocalMounts:   map[string]fsutil.FS{"context": fs, "dockerfile": fs},
		FrontendAttrs: map[string]string{"filename": "Dockerfile"},
		Exports:       []client.ExportEntry{export},
	}, nil)
	return err
}

// registryImage fetches an image's config from the local registry. A name
// without a registry host is looked up there as the docker.io mirror would.
func registryImage(t *testing.T, e *environment, name string) *ocispecs.Image {
	t.Helper()
	repo, tag := name, "latest"
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		repo, tag = name[:i], name[i+1:]
	}
	repo = strings.TrimPrefix(repo, e.registry+"/")
	repo = strings.TrimPrefix(repo, "docker.io/")
	if !strings.Contains(repo, "/") {
		repo = "library/" + repo
	}
	base := "http://" + e.registry + "/v2/" + repo
	get := func(url string, accept ...string) []byte {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accept {
			req.Header.Add("Accept", a)
		}
		hc := &http.Client{Timeout: 30 * time.Second}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		dt, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s: %s", url, resp.Status, dt)
		}
		return dt
	}
	mdt := get(base+"/manifests/"+tag, ocispecs.MediaTypeImageManifest, ocispecs.MediaTypeImageIndex,
		"application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json")
	var probe struct {
		MediaType string                `json:"mediaType"`
		Manifests []ocispecs.Descriptor `json:"manifests"`
		Config    ocispecs.Descriptor   `json:"config"`
	}
	if err := json.Unmarshal(mdt, &probe); err != nil {
		t.Fatal(err)
	}
	if len(probe.Manifests) > 0 {
		var pick *ocispecs.Descriptor
		for i, d := range probe.Manifests {
			if d.Platform != nil && d.Platform.OS == "linux" {
				pick = &probe.Manifests[i]
				break
			}
		}
		if pick == nil {
			t.Fatalf("%s: no linux image in the index", name)
		}
		mdt = get(base+"/manifests/"+pick.Digest.String(), pick.MediaType)
		if err := json.Unmarshal(mdt, &probe); err != nil {
			t.Fatal(err)
		}
	}
	var img ocispecs.Image
	if err := json.Unmarshal(get(base+"/blobs/"+probe.Config.Digest.String()), &img); err != nil {
		t.Fatal(err)
	}
	return &img
}
