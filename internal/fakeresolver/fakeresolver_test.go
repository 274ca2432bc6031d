package fakeresolver

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/pkg/errors"
)

func resolve(t *testing.T, r *Resolver, ref string, p ocispecs.Platform) (string, string, dockerspec.DockerOCIImage) {
	t.Helper()
	got, dgst, dt, err := r.ResolveImageConfig(context.Background(), ref, sourceresolver.Opt{
		ImageOpt: &sourceresolver.ResolveImageOpt{Platform: &p},
	})
	if err != nil {
		t.Fatal(err)
	}
	var img dockerspec.DockerOCIImage
	if err := json.Unmarshal(dt, &img); err != nil {
		t.Fatal(err)
	}
	return got, dgst.String(), img
}

var amd64 = ocispecs.Platform{OS: "linux", Architecture: "amd64"}
var arm64 = ocispecs.Platform{OS: "linux", Architecture: "arm64"}

func TestDeterministicAcrossInstances(t *testing.T) {
	ref1, d1, img1 := resolve(t, New(), "golang:1.22", amd64)
	ref2, d2, img2 := resolve(t, New(), "docker.io/library/golang:1.22", amd64)
	if ref1 != "docker.io/library/golang:1.22" || ref1 != ref2 {
		t.Fatalf("refs %q %q", ref1, ref2)
	}
	if d1 != d2 {
		t.Fatalf("digests differ: %s %s", d1, d2)
	}
	j1, _ := json.Marshal(img1)
	j2, _ := json.Marshal(img2)
	if string(j1) != string(j2) {
		t.Fatalf("configs differ:\n%s\n%s", j1, j2)
	}
	if img1.OS != "linux" || img1.Architecture != "amd64" || len(img1.RootFS.DiffIDs) == 0 {
		t.Fatalf("bad platform/rootfs: %+v", img1)
	}
	_, d3, img3 := resolve(t, New(), "golang:1.22", arm64)
	if d3 == d1 || img3.Architecture != "arm64" {
		t.Fatalf("platform not reflected: %s %s", d3, img3.Architecture)
	}
	_, d4, _ := resolve(t, New(), "golang:1.21", amd64)
	if d4 == d1 {
		t.Fatal("tag not reflected in digest")
	}
}

func TestPinnedDigestKept(t *testing.T) {
	const dg = "sha256:0123456789012345678901234567890123456789012345678901234567890123"
	_, d, _ := resolve(t, New(), "alpine@"+dg, amd64)
	if d != dg {
		t.Fatalf("got %s", d)
	}
}

func TestSyntheticVariety(t *testing.T) {
	var noPath, wd, user, ep, ports int
	for _, name := range []string{"alpine", "debian", "ubuntu", "golang", "node", "python", "rust", "busybox", "nginx", "redis", "postgres", "mysql", "ruby", "php", "openjdk", "gcc", "fedora", "centos", "amazonlinux", "httpd"} {
		_, _, img := resolve(t, New(), name, amd64)
		hasPath := false
		for _, e := range img.Config.Env {
			if strings.HasPrefix(e, "PATH=") {
				hasPath = true
			}
		}
		if !hasPath {
			noPath++
		}
		if img.Config.WorkingDir != "" {
			wd++
		}
		if img.Config.User != "" {
			user++
		}
		if len(img.Config.Entrypoint) > 0 {
			ep++
		}
		if len(img.Config.ExposedPorts) > 0 {
			ports++
		}
		if img.Config.Labels["fake.ref"] == "" {
			t.Fatalf("%s: no label", name)
		}
	}
	for what, n := range map[string]int{"no PATH": noPath, "workdir": wd, "user": user, "entrypoint": ep, "ports": ports} {
		if n == 0 || n == 20 {
			t.Errorf("%s: %d of 20 images, want some but not all", what, n)
		}
	}
}

func TestRegisteredAndCounts(t *testing.T) {
	r := New()
	_, _, img := resolve(t, r, OnBuildImage, amd64)
	if len(img.Config.OnBuild) != 2 {
		t.Fatalf("onbuild: %v", img.Config.OnBuild)
	}
	_, _, img = resolve(t, r, HealthcheckImage, amd64)
	if img.Config.Healthcheck == nil || img.Config.Healthcheck.Retries != 3 {
		t.Fatalf("healthcheck: %+v", img.Config.Healthcheck)
	}
	_, _, img = resolve(t, r, NoLayersImage, amd64)
	if len(img.RootFS.DiffIDs) != 0 {
		t.Fatal("nolayers has layers")
	}
	var custom dockerspec.DockerOCIImage
	custom.Config.User = "custom"
	r.Register("example.com/mine", custom)
	_, _, img = resolve(t, r, "example.com/mine:latest", arm64)
	if img.Config.User != "custom" || img.Architecture != "arm64" {
		t.Fatalf("custom: %+v", img)
	}

	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resolve(t, r, "alpine", amd64)
		}()
	}
	wg.Wait()
	if n := r.Calls("docker.io/library/alpine:latest"); n != 10 {
		t.Fatalf("calls = %d", n)
	}
	if n := r.CallsFor("alpine", amd64); n != 10 {
		t.Fatalf("callsFor = %d", n)
	}
	if n := r.CallsFor("alpine", arm64); n != 0 {
		t.Fatalf("callsFor arm64 = %d", n)
	}
	if d := r.Duplicates(); len(d) != 1 || !strings.HasPrefix(d[0], "docker.io/library/alpine:latest|linux/amd64") {
		t.Fatalf("duplicates: %v", d)
	}
	if len(r.Refs()) != 5 {
		t.Fatalf("refs: %v", r.Refs())
	}
	r.Reset()
	if len(r.Counts()) != 0 {
		t.Fatal("reset kept counts")
	}
}

func TestNotFound(t *testing.T) {
	r := New()
	_, _, _, err := r.ResolveImageConfig(context.Background(), "example.com/doesnotexist:1", sourceresolver.Opt{})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "example.com/doesnotexist:1: not found") {
		t.Fatalf("err = %v", err)
	}
	if r.Calls("example.com/doesnotexist:1") != 1 {
		t.Fatal("failed call not counted")
	}
}

func TestParallelPeak(t *testing.T) {
	r := New()
	r.SetDelay(20 * time.Millisecond)
	var wg sync.WaitGroup
	for _, n := range []string{"a", "b", "c", "d"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resolve(t, r, n, amd64)
		}()
	}
	wg.Wait()
	if r.Peak() < 2 {
		t.Fatalf("peak = %d", r.Peak())
	}
}
