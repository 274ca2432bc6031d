package dockerfile2llb_test

// TestIncludeInliningOracle (issue 18): every case under
// testdata/include-oracle holds a main Dockerfile, the files it includes,
// and the same build written by hand as one Dockerfile ("inlined"), with
// the included stages first and their names made valid without INCLUDE
// (go.build -> go-build). Ours converts the main file with the included
// files; upstream converts the inlined file; both must give the same ops
// and the same image config. Stage names reach only the progress names,
// so those are left out of the comparison, as are source locations (the
// inlined file has other lines).
//
// A case file is sections, each opened by a line "-- PATH --": Dockerfile,
// inlined, and every included file by its path in the build context.
// "# diff:" options (differential_diff_test.go) are read from the main
// file for ours and from the inlined file for upstream, so a target can be
// named each file's way.

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/pkg/errors"

	ours "github.com/myorg/multistage/dockerfile2llb"
	"github.com/myorg/multistage/internal/fakefiles"
	"github.com/myorg/multistage/stages"
)

const (
	oracleMain    = "Dockerfile"
	oracleInlined = "inlined"
)

var sectionRe = regexp.MustCompile(`(?m)^-- (.+) --\n`)

// readOracleCase splits a case file into its sections by name.
func readOracleCase(dt string) (map[string]string, error) {
	heads := sectionRe.FindAllStringSubmatchIndex(dt, -1)
	if len(heads) == 0 || heads[0][0] != 0 {
		return nil, errors.New("a case file starts with a -- NAME -- line")
	}
	out := map[string]string{}
	for i, h := range heads {
		end := len(dt)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		out[dt[h[2]:h[3]]] = dt[h[1]:end]
	}
	if out[oracleMain] == "" || out[oracleInlined] == "" {
		return nil, errors.Errorf("a case needs the sections %s and %s", oracleMain, oracleInlined)
	}
	return out, nil
}

// includeConverter is ourConverter with files to include.
func includeConverter(files *fakefiles.Reader) converter {
	return func(ctx context.Context, dt []byte, c caseOpts, mr llb.ImageMetaResolver, sm *llb.SourceMap, warn func(string, string, string, string, []parser.Range)) (llb.State, *dockerspec.DockerOCIImage, *dockerspec.DockerOCIImage, error) {
		cfg, tp, err := dockeruiConfig(c)
		if err != nil {
			return llb.State{}, nil, nil, err
		}
		res, err := ours.Convert(ctx, dt, ours.ConvertOpt{Config: cfg, SourceMap: sm, TargetPlatform: tp,
			MetaResolver: mr, LLBCaps: allCaps(), Warn: warn, Includes: files.Platformless()})
		if err != nil {
			return llb.State{}, nil, nil, err
		}
		return res.State, res.Image, res.BaseImage, nil
	}
}

// namelessOps is the op listing without source locations and without
// the descriptions that quote the line as written (the progress name and
// the command): what is left is what BuildKit runs and caches.
func namelessOps(st llb.State) (string, error) {
	def, err := st.Marshal(context.Background())
	if err != nil {
		return "", err
	}
	pbDef := def.ToPB()
	pbDef.Source = nil
	for _, m := range pbDef.Metadata {
		delete(m.Description, "llb.customname")
		delete(m.Description, "com.docker.dockerfile.v1.command")
	}
	l, err := listDefinition(pbDef)
	if err != nil {
		return "", err
	}
	return l.Ops, nil
}

// oracleSide converts one side of a case and renders its ops and config.
func oracleSide(name string, conv converter, dt string) (ops, config string, err error) {
	opts, err := parseCaseOpts([]byte(dt))
	if err != nil {
		return "", "", err
	}
	c := runConverter(conv, diffCase{Name: name, Data: []byte(dt), Opts: opts})
	if c.Err != nil {
		return "", "", c.Err
	}
	if ops, err = namelessOps(c.State); err != nil {
		return "", "", err
	}
	return ops, configListing(c.Image, c.Base), nil
}

func TestIncludeInliningOracle(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "include-oracle", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 20 {
		t.Fatalf("%d cases; issue 18 asks for at least 20", len(paths))
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txt"), func(t *testing.T) {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			sections, err := readOracleCase(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			files := fakefiles.New()
			for name, dt := range sections {
				if name != oracleMain && name != oracleInlined {
					files.Files[stages.FileRef{Path: name}] = dt
				}
			}
			ourOps, ourConfig, err := oracleSide(p, includeConverter(files), sections[oracleMain])
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			upOps, upConfig, err := oracleSide(p, upstreamConverter, sections[oracleInlined])
			if err != nil {
				t.Fatalf("upstream, inlined: %v", err)
			}
			if ourOps != upOps {
				t.Errorf("ops differ\n--- ours with INCLUDE\n%s--- upstream, inlined\n%s", ourOps, upOps)
			}
			if ourConfig != upConfig {
				t.Errorf("config differs\n--- ours with INCLUDE\n%s--- upstream, inlined\n%s", ourConfig, upConfig)
			}
		})
	}
}
