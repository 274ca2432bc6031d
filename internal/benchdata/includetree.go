package benchdata

import (
	"bytes"
	"fmt"
)

// IncludeTree is one build written twice: as a Dockerfile that INCLUDEs
// files in a tree, and as the single Dockerfile a user would write by hand
// for a converter without INCLUDE (upstream's).
type IncludeTree struct {
	// Main is the Dockerfile; Files are the files it includes, by their
	// path in the build context.
	Main  []byte
	Files map[string]string
	// Inlined is the same build in one file: every included file's
	// stages, renamed "m3-l2-s0" for "m3.l2.s0", before its includer's,
	// as INCLUDE orders them.
	Inlined []byte
	// Stages counts the stages of either form.
	Stages int
}

// NewIncludeTree is a Dockerfile that INCLUDEs mids files m<i>/m.Dockerfile
// AS m<i>, each of which INCLUDEs leaves files of its own directory AS
// l<j>: mids*(1+leaves) files besides the Dockerfile. Every file, the
// Dockerfile too, has perFile stages s0..s<perFile-1> in a chain, each
// from an image, running a step and copying from the one before; its s0
// copies the last stage of every file it includes. Every stage is
// reachable from the default target, so every one is converted.
func NewIncludeTree(mids, leaves, perFile int) IncludeTree {
	t := IncludeTree{Files: map[string]string{}}
	var main, inlined bytes.Buffer
	var mainFrom, inlinedFrom []string
	for m := 0; m < mids; m++ {
		var mid bytes.Buffer
		var midFrom, midInlinedFrom []string
		for l := 0; l < leaves; l++ {
			dir := fmt.Sprintf("m%d/l%d", m, l)
			var leaf bytes.Buffer
			treeStages(&leaf, dir, "", nil, perFile)
			t.Files[dir+".Dockerfile"] = leaf.String()
			treeStages(&inlined, dir, fmt.Sprintf("m%d-l%d-", m, l), nil, perFile)
			fmt.Fprintf(&mid, "INCLUDE l%d.Dockerfile AS l%d\n", l, l)
			midFrom = append(midFrom, fmt.Sprintf("l%d.s%d", l, perFile-1))
			midInlinedFrom = append(midInlinedFrom, fmt.Sprintf("m%d-l%d-s%d", m, l, perFile-1))
		}
		id := fmt.Sprintf("m%d", m)
		treeStages(&mid, id, "", midFrom, perFile)
		t.Files[id+"/m.Dockerfile"] = mid.String()
		treeStages(&inlined, id, id+"-", midInlinedFrom, perFile)
		fmt.Fprintf(&main, "INCLUDE %s/m.Dockerfile AS %s\n", id, id)
		mainFrom = append(mainFrom, fmt.Sprintf("%s.s%d", id, perFile-1))
		inlinedFrom = append(inlinedFrom, fmt.Sprintf("%s-s%d", id, perFile-1))
	}
	treeStages(&main, "main", "", mainFrom, perFile)
	treeStages(&inlined, "main", "", inlinedFrom, perFile)
	t.Main, t.Inlined = main.Bytes(), inlined.Bytes()
	t.Stages = (1 + mids*(1+leaves)) * perFile
	return t
}

// treeStages writes one file's chain of n stages, named prefix+"s<i>"; id
// makes its steps its own. The first stage copies each stage of from.
func treeStages(b *bytes.Buffer, id, prefix string, from []string, n int) {
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, "FROM alpine:3.20 AS %ss%d\nRUN echo %s %d > /f\n", prefix, i, id, i)
		if i > 0 {
			fmt.Fprintf(b, "COPY --from=%ss%d /f /prev\n", prefix, i-1)
			continue
		}
		for k, f := range from {
			fmt.Fprintf(b, "COPY --from=%s /f /from%d\n", f, k)
		}
	}
}
