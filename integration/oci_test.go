package integration

// Reading what a build exported in the OCI image layout (a tarball, or a
// directory for buildOCILayout): the index, the manifests under it, image
// configs, attestations and the newest layers.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/myorg/multistage/internal/tarfiles"
)

// tarFiles reads the regular files of a tarball up to max bytes each,
// by name.
func tarFiles(path string, max int64) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := eachTarFile(path, func(name string, size int64, r io.Reader) error {
		if size > max {
			return nil
		}
		dt, err := io.ReadAll(r)
		out[name] = dt
		return err
	})
	return out, err
}

// eachTarFile calls f with the name (without a leading "./"), size and
// content of each regular file of the tarball at path.
func eachTarFile(path string, f func(name string, size int64, r io.Reader) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	return tarfiles.Each(file, func(h *tar.Header, r io.Reader) error {
		if h.Typeflag != tar.TypeReg {
			return nil // a hard link: no content of its own
		}
		return f(strings.TrimPrefix(h.Name, "./"), h.Size, r)
	})
}

// ociLayout is the small files of an OCI layout tarball (index, manifests,
// configs, attestations; layers are mostly too big), by path.
type ociLayout struct {
	path  string
	files map[string][]byte
}

// openOCI reads the files of the tarball at path up to max bytes each.
func openOCI(path string, max int64) (*ociLayout, error) {
	files, err := tarFiles(path, max)
	if err != nil {
		return nil, err
	}
	return &ociLayout{path: path, files: files}, nil
}

func blobPath(d ocispecs.Descriptor) string {
	return "blobs/" + d.Digest.Algorithm().String() + "/" + d.Digest.Encoded()
}

// decode unmarshals the blob d into v.
func (l *ociLayout) decode(d ocispecs.Descriptor, v any) error {
	dt, ok := l.files[blobPath(d)]
	if !ok {
		return fmt.Errorf("blob %s not in %s", d.Digest, l.path)
	}
	return json.Unmarshal(dt, v)
}

// manifests is every manifest under index.json, nested indexes (and Docker
// manifest lists) opened, in the order they are listed; attestation
// manifests are among them.
func (l *ociLayout) manifests() ([]ocispecs.Descriptor, error) {
	dt, ok := l.files["index.json"]
	if !ok {
		return nil, fmt.Errorf("no index.json in %s", l.path)
	}
	var idx ocispecs.Index
	if err := json.Unmarshal(dt, &idx); err != nil {
		return nil, fmt.Errorf("%s: index.json: %w", l.path, err)
	}
	var out []ocispecs.Descriptor
	pending := idx.Manifests
	for len(pending) > 0 {
		d := pending[0]
		pending = pending[1:]
		switch d.MediaType {
		case ocispecs.MediaTypeImageIndex, "application/vnd.docker.distribution.manifest.list.v2+json":
			var sub ocispecs.Index
			if err := l.decode(d, &sub); err != nil {
				return nil, err
			}
			// Depth first, so a nested index's manifests keep their place.
			pending = append(slices.Clone(sub.Manifests), pending...)
		default:
			out = append(out, d)
		}
	}
	return out, nil
}

// images is manifests without the attestation manifests.
func (l *ociLayout) images() ([]ocispecs.Descriptor, error) {
	all, err := l.manifests()
	if err != nil {
		return nil, err
	}
	var out []ocispecs.Descriptor
	for _, d := range all {
		if !isAttestation(d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// isAttestation tells an attestation manifest (BuildKit's provenance or
// SBOM) from an image's.
func isAttestation(d ocispecs.Descriptor) bool {
	return d.Platform != nil && d.Platform.OS == "unknown" ||
		d.Annotations["vnd.docker.reference.type"] == "attestation-manifest"
}

// ociResult is what readOCI finds in an OCI layout tarball.
type ociResult struct {
	images map[string]*ocispecs.Image // every image config, by "os/arch"
	// For a single-platform result: its config, layer count, and its last
	// topLayers layers (compressed), oldest first.
	image  *ocispecs.Image
	layers int
	top    [][]byte
}

// topLayers is how many of an image's last layers readOCI keeps.
const topLayers = 3

// readOCI reads the image configs of an OCI layout tarball, skipping
// attestation manifests; for a single image also its top layers.
func readOCI(path string) (*ociResult, error) {
	// Index, manifests and configs are small; layers are skipped.
	l, err := openOCI(path, 4<<20)
	if err != nil {
		return nil, err
	}
	manifests, err := l.images()
	if err != nil {
		return nil, err
	}
	if len(manifests) == 0 {
		return nil, fmt.Errorf("%s holds no image", path)
	}
	res := &ociResult{images: map[string]*ocispecs.Image{}}
	var mf ocispecs.Manifest
	for _, d := range manifests {
		mf = ocispecs.Manifest{}
		if err := l.decode(d, &mf); err != nil {
			return nil, err
		}
		var img ocispecs.Image
		if err := l.decode(mf.Config, &img); err != nil {
			return nil, err
		}
		res.images[img.OS+"/"+img.Architecture] = &img
		res.image = &img
	}
	if len(manifests) > 1 {
		res.image = nil
		return res, nil
	}
	res.layers = len(mf.Layers)
	if res.top, err = readTopLayers(path, mf.Layers); err != nil {
		return nil, err
	}
	return res, nil
}

// readTopLayers reads the last topLayers of layers from the tarball at
// path, whatever their size; a layer the tarball lacks stays nil.
func readTopLayers(path string, layers []ocispecs.Descriptor) ([][]byte, error) {
	want := map[string]int{}
	top := make([][]byte, 0, topLayers)
	for _, d := range layers[max(0, len(layers)-topLayers):] {
		want[blobPath(d)] = len(top)
		top = append(top, nil)
	}
	err := eachTarFile(path, func(name string, _ int64, r io.Reader) error {
		i, ok := want[name]
		if !ok {
			return nil
		}
		var err error
		top[i], err = io.ReadAll(r)
		return err
	})
	return top, err
}

// layerFile returns a file from the last layers of the exported image (the
// newest layer holding it wins), for ociOnly scenarios.
func (r *result) layerFile(t *testing.T, name string) ([]byte, bool) {
	t.Helper()
	var found []byte
	ok := false
	for _, layer := range r.top {
		if layer == nil {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(layer))
		if err != nil {
			t.Fatalf("layer: %v", err)
		}
		err = tarfiles.Each(zr, func(h *tar.Header, r io.Reader) error {
			// A hard link has no content of its own to compare.
			if strings.TrimPrefix(path.Clean("/"+h.Name), "/") != name || h.Typeflag != tar.TypeReg {
				return nil
			}
			dt, err := io.ReadAll(r)
			found, ok = dt, true
			return err
		})
		if err != nil {
			t.Fatalf("layer: %v", err)
		}
	}
	return found, ok
}

// exportedConfig reads the full image config (OCI plus Docker's fields, such
// as OnBuild) of a single-platform result from its OCI tarball.
func exportedConfig(t *testing.T, r *result) *dockerspec.DockerOCIImage {
	t.Helper()
	l, err := openOCI(r.oci, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	manifests, err := l.images()
	if err != nil {
		t.Fatal(err)
	}
	if len(manifests) != 1 {
		t.Fatalf("the exported image has %d manifests; want a single-platform image", len(manifests))
	}
	var mf ocispecs.Manifest
	if err := l.decode(manifests[0], &mf); err != nil {
		t.Fatal(err)
	}
	var img dockerspec.DockerOCIImage
	if err := l.decode(mf.Config, &img); err != nil {
		t.Fatal(err)
	}
	return &img
}

// ociIndexPlatforms lists "os/arch" of every image manifest under the OCI
// layout's index that names a platform.
func ociIndexPlatforms(t *testing.T, path string) []string {
	t.Helper()
	l, err := openOCI(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	manifests, err := l.images()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range manifests {
		if d.Platform != nil {
			out = append(out, d.Platform.OS+"/"+d.Platform.Architecture)
		}
	}
	return out
}

// sbomPredicateNames reads the attestation manifests of an OCI tarball and
// returns the "name" of every in-toto statement's predicate, sorted.
func sbomPredicateNames(path string) ([]string, error) {
	l, err := openOCI(path, 4<<20)
	if err != nil {
		return nil, err
	}
	manifests, err := l.manifests()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, d := range manifests {
		if !isAttestation(d) {
			continue
		}
		var mf ocispecs.Manifest
		if err := l.decode(d, &mf); err != nil {
			return nil, err
		}
		for _, layer := range mf.Layers {
			var st struct {
				Predicate struct {
					Name string `json:"name"`
				} `json:"predicate"`
			}
			if err := l.decode(layer, &st); err != nil {
				return nil, err
			}
			names = append(names, st.Predicate.Name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// layoutManifest is the digest of the one manifest an OCI layout
// directory's index lists.
func layoutManifest(t *testing.T, dir string) string {
	t.Helper()
	dt, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx ocispecs.Index
	if err := json.Unmarshal(dt, &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Manifests) != 1 {
		t.Fatalf("OCI layout index lists %d manifests, want 1:\n%s", len(idx.Manifests), dt)
	}
	return idx.Manifests[0].Digest.String()
}
