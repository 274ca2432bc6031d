package integration

import (
	"slices"
	"testing"
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
			b := &scenario{dockerfile: tc.dockerfile, buildArgs: tc.buildArgs, attrs: map[string]string{"attest:sbom": "generator=" + scanner}}
			forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
				r := b.mustBuild(t, e, m)
				got, err := sbomPredicateNames(r.oci)
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
