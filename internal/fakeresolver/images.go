package fakeresolver

// The configs the resolver hands out: synthesised from the reference, or
// one of the well-known images New registers.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// synthesize builds the config of an unregistered image. Every feature is
// switched on or off by a byte of sha256(ref), so the same ref always gets
// the same config and a corpus of refs covers every combination.
func synthesize(ref string) dockerspec.DockerOCIImage {
	sum := sha256.Sum256([]byte(ref))
	h := sum[:]
	short := shortName(ref)
	envName := "FAKE_" + strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, short)) + "_VERSION"

	var img dockerspec.DockerOCIImage
	img.RootFS = ocispecs.RootFS{
		Type:    "layers",
		DiffIDs: []digest.Digest{digest.FromString("layer0|" + ref), digest.FromString("layer1|" + ref)},
	}
	img.History = []ocispecs.History{
		{CreatedBy: "/bin/sh -c #(nop) ADD file:" + hex.EncodeToString(h[:8]) + " in / "},
		{CreatedBy: "/bin/sh -c #(nop)  CMD [\"sh\"]", EmptyLayer: true},
		{CreatedBy: "RUN /bin/sh -c install " + short + " # buildkit", Comment: "buildkit.dockerfile.v0"},
	}

	switch h[0] % 4 {
	case 0: // no PATH at all: the converter must add its default
	case 1:
		img.Config.Env = append(img.Config.Env, "PATH=/opt/"+short+"/bin:"+defaultPath)
	default:
		img.Config.Env = append(img.Config.Env, "PATH="+defaultPath)
	}
	img.Config.Env = append(img.Config.Env, envName+"="+hex.EncodeToString(h[4:7]))
	if h[1]%2 == 0 {
		img.Config.Env = append(img.Config.Env, "LANG=C.UTF-8")
	}
	if h[2]%3 == 0 {
		img.Config.WorkingDir = "/" + short
	}
	switch h[3] % 4 {
	case 0:
		img.Config.User = "1000:1000"
	case 1:
		img.Config.User = "nobody"
	}
	switch h[5] % 3 {
	case 0:
		img.Config.Entrypoint = []string{"/usr/local/bin/docker-entrypoint.sh"}
		img.Config.Cmd = []string{short}
	case 1:
		img.Config.Cmd = []string{"/bin/sh"}
	}
	img.Config.Labels = map[string]string{
		"org.opencontainers.image.source": "https://example.com/" + short,
		"fake.ref":                        ref,
	}
	if h[6]%4 == 0 {
		img.Config.ExposedPorts = map[string]struct{}{"8080/tcp": {}}
	}
	if h[7]%5 == 0 {
		img.Config.Volumes = map[string]struct{}{"/data": {}}
	}
	if h[8]%6 == 0 {
		img.Config.StopSignal = "SIGQUIT"
	}
	return img
}

// shortName is the last path element of the repository, without tag.
func shortName(ref string) string {
	name := ref
	if named, err := reference.ParseNormalizedNamed(ref); err == nil {
		name = reference.Path(named)
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name = "image"
	}
	return name
}

func defaultImages() map[string]dockerspec.DockerOCIImage {
	layers := func(name string) ocispecs.RootFS {
		return ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString("layer|" + name)}}
	}
	hist := []ocispecs.History{{CreatedBy: "/bin/sh -c #(nop) ADD file:base in / "}}
	path := "PATH=" + defaultPath

	onbuild := dockerspec.DockerOCIImage{}
	onbuild.RootFS = layers("onbuild")
	onbuild.History = hist
	onbuild.Config.Env = []string{path}
	onbuild.Config.OnBuild = []string{"RUN echo onbuild-trigger > /onbuild.txt", "ENV FROM_ONBUILD=1"}

	health := dockerspec.DockerOCIImage{}
	health.RootFS = layers("healthcheck")
	health.History = hist
	health.Config.Env = []string{path}
	health.Config.Cmd = []string{"serve"}
	health.Config.Healthcheck = &dockerspec.HealthcheckConfig{
		Test:          []string{"CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"},
		Interval:      30 * time.Second,
		Timeout:       5 * time.Second,
		StartPeriod:   10 * time.Second,
		StartInterval: 2 * time.Second,
		Retries:       3,
	}

	shell := dockerspec.DockerOCIImage{}
	shell.RootFS = layers("shell")
	shell.History = hist
	shell.Config.Env = []string{path}
	shell.Config.Shell = []string{"/bin/bash", "-o", "pipefail", "-c"}

	nolayers := dockerspec.DockerOCIImage{}
	nolayers.RootFS = ocispecs.RootFS{Type: "layers"}
	nolayers.History = []ocispecs.History{{CreatedBy: "LABEL x=y", EmptyLayer: true}}
	nolayers.Config.Env = []string{path, "NOLAYERS=1"}
	nolayers.Config.Labels = map[string]string{"nolayers": "true"}

	nopath := dockerspec.DockerOCIImage{}
	nopath.RootFS = layers("nopath")
	nopath.History = hist
	nopath.Config.Env = []string{"HOME=/root", "NOPATH=1"}

	full := dockerspec.DockerOCIImage{}
	full.RootFS = layers("full")
	full.History = append(slices.Clone(hist), ocispecs.History{CreatedBy: "ENTRYPOINT [\"/entry\"]", EmptyLayer: true})
	full.Config.Env = []string{"PATH=/app/bin:" + defaultPath, "APP_HOME=/app", "EMPTY="}
	full.Config.WorkingDir = "/app"
	full.Config.User = "app"
	full.Config.Entrypoint = []string{"/entry", "--flag"}
	full.Config.Cmd = []string{"run", "--all"}
	full.Config.Volumes = map[string]struct{}{"/app/data": {}, "/var/log": {}}
	full.Config.ExposedPorts = map[string]struct{}{"80/tcp": {}, "443/tcp": {}, "53/udp": {}}
	full.Config.StopSignal = "SIGTERM"
	full.Config.Labels = map[string]string{"maintainer": "fake@example.com", "com.example.full": "yes"}

	wd := dockerspec.DockerOCIImage{}
	wd.RootFS = layers("workdir")
	wd.History = hist
	wd.Config.Env = []string{path}
	wd.Config.WorkingDir = "/home/builder/src"
	wd.Config.User = "builder:staff"

	return map[string]dockerspec.DockerOCIImage{
		OnBuildImage:     onbuild,
		HealthcheckImage: health,
		ShellImage:       shell,
		NoLayersImage:    nolayers,
		NoPathImage:      nopath,
		FullImage:        full,
		RelWorkdirImage:  wd,
	}
}

func cloneImage(img dockerspec.DockerOCIImage) dockerspec.DockerOCIImage {
	dt, err := json.Marshal(img)
	if err != nil {
		panic(err)
	}
	var out dockerspec.DockerOCIImage
	if err := json.Unmarshal(dt, &out); err != nil {
		panic(err)
	}
	return out
}
