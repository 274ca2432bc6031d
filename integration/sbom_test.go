package integration

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// sbomScanner is a generator image: one SPDX statement for the target
// ("core") and one per extra source, named after the source.
const sbomScanner = `
FROM busybox
COPY <<-"EOF" /scan.sh
	set -e
	cat <<BUNDLE > $BUILDKIT_SCAN_DESTINATION/spdx.json
	{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://spdx.dev/Document", "predicate": {"name": "core"}}
	BUNDLE
	if [ "${BUILDKIT_SCAN_SOURCE_EXTRAS}" ]; then
		for src in "${BUILDKIT_SCAN_SOURCE_EXTRAS}"/*; do
			name=$(basename $src)
			cat <<BUNDLE > $BUILDKIT_SCAN_DESTINATION/$name.spdx.json
			{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://spdx.dev/Document", "predicate": {"name": "extra-$name"}}
			BUNDLE
		done
	fi
EOF
CMD ["sh", "/scan.sh"]
`

// TestSBOMScanStagesAndContext (issue 9, item 4): BUILDKIT_SBOM_SCAN_STAGE
// and BUILDKIT_SBOM_SCAN_CONTEXT hand the stages and the build context to
// the generator of --attest type=sbom, beside the target.
func TestSBOMScanStagesAndContext(t *testing.T) {
	e := requireRegistry(t)
	t.Parallel()
	scanner := e.registry + "/multistage/sbom-scanner:" + freshNonce(t)
	pushImage(t, e, scanner, sbomScanner)

	const declared = `
ARG BUILDKIT_SBOM_SCAN_CONTEXT=true

FROM scratch AS file
ARG BUILDKIT_SBOM_SCAN_STAGE=true
COPY <<EOF /file
data
EOF

FROM scratch AS base
ARG BUILDKIT_SBOM_SCAN_STAGE=true
COPY --from=file /file /foo

FROM scratch AS unused
ARG BUILDKIT_SBOM_SCAN_STAGE=true
COPY --from=file /file /bar

FROM base
ARG BUILDKIT_SBOM_SCAN_STAGE=true
`
	const undeclared = `
FROM scratch AS file
COPY <<EOF /file
data
EOF

FROM file
`
	cases := []struct {
		name       string
		dockerfile string
		buildArgs  map[string]string
		want       []string // predicate names, sorted
	}{
		{"declared", declared, nil, []string{"core", "extra-sbom-base", "extra-sbom-context", "extra-sbom-file"}},
		{"build-args-off", declared, map[string]string{"BUILDKIT_SBOM_SCAN_STAGE": "false", "BUILDKIT_SBOM_SCAN_CONTEXT": "false"}, []string{"core"}},
		{"stage-list", declared, map[string]string{"BUILDKIT_SBOM_SCAN_STAGE": "file,unused"}, []string{"core", "extra-sbom-context", "extra-sbom-file"}},
		// Upstream's reading: a build arg enables nothing no ARG declares.
		{"undeclared", undeclared, map[string]string{"BUILDKIT_SBOM_SCAN_STAGE": "true", "BUILDKIT_SBOM_SCAN_CONTEXT": "true"}, []string{"core"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			attrs := map[string]string{"attest:sbom": "generator=" + scanner}
			for k, v := range tc.buildArgs {
				attrs["build-arg:"+k] = v
			}
			b := &surfaceBuild{dockerfile: tc.dockerfile, attrs: attrs}
			forEachSurfaceMode(t, surfaceModes, func(t *testing.T, m mode) {
				r := b.mustBuild(t, e, m)
				got, err := sbomPredicateNames(filepath.Join(filepath.Dir(r.dir), "image.tar"))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("SBOM statements %v, want %v", got, tc.want)
				}
			})
		})
	}
}

// sbomPredicateNames reads the attestation manifests of an OCI tarball and
// returns the "name" of every in-toto statement's predicate, sorted.
func sbomPredicateNames(path string) ([]string, error) {
	blobs, err := tarFiles(path, 4<<20)
	if err != nil {
		return nil, err
	}
	blob := func(d ocispecs.Descriptor, v any) error {
		dt, ok := blobs["blobs/"+d.Digest.Algorithm().String()+"/"+d.Digest.Encoded()]
		if !ok {
			return fmt.Errorf("blob %s not in %s", d.Digest, path)
		}
		return json.Unmarshal(dt, v)
	}
	var idx ocispecs.Index
	if err := json.Unmarshal(blobs["index.json"], &idx); err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	var names []string
	pending := idx.Manifests
	for len(pending) > 0 {
		d := pending[0]
		pending = pending[1:]
		switch {
		case d.MediaType == ocispecs.MediaTypeImageIndex:
			var sub ocispecs.Index
			if err := blob(d, &sub); err != nil {
				return nil, err
			}
			pending = append(pending, sub.Manifests...)
		case d.Annotations["vnd.docker.reference.type"] == "attestation-manifest":
			var mf ocispecs.Manifest
			if err := blob(d, &mf); err != nil {
				return nil, err
			}
			for _, l := range mf.Layers {
				var st struct {
					Predicate struct {
						Name string `json:"name"`
					} `json:"predicate"`
				}
				if err := blob(l, &st); err != nil {
					return nil, err
				}
				names = append(names, st.Predicate.Name)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// tarFiles reads the regular files of a tarball up to max bytes each,
// by name.
func tarFiles(path string, max int64) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || h.Size > max {
			continue
		}
		dt, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(h.Name, "./")] = dt
	}
}
