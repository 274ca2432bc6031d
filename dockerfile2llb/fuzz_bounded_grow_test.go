package dockerfile2llb_test

// The Dockerfiles of FuzzBoundedWork: a program of pieces, each repeated,
// and a tally of what the grown file asks of a converter.

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/myorg/multistage/stages"
)

// grower writes the Dockerfile of one program and tallies what it asks
// for: every byte a variable puts into a word, every byte of environment a
// RUN carries, every exposed port. The tally is an upper bound: it ignores
// pruned stages and lazy expansion.
type grower struct {
	b      strings.Builder
	target string
	stages int
	// chain is the last ARG A<chain> of the doubling chain, -1 before
	// the chain starts; chainLen is what it expands to.
	chain, chainLen int
	plainArgs       int
	// env is the ARG and ENV bytes a RUN of the current stage carries.
	env, envGrow int
	// wdLen is the length of the working directory relative WORKDIRs
	// built (each op holds it), capped at the WORKDIR limit.
	wdLen int
	// expanded, carried and ports are what the file asks for: bytes put
	// into words, environment bytes carried by RUNs, exposed ports.
	expanded, carried, ports int
	// recipe names the pieces written, for the failure message.
	recipe []string
}

// A file asks for no more than the limits allow: past them the
// conversion must stop with an error.
const (
	wordMax  = stages.MaxWordExpansion
	fileMax  = stages.MaxFileExpansion
	portsMax = stages.MaxExposedPorts
)

// asked is the tally in bytes. Each exposed port counts as one byte: a
// port costs both converters about 200 bytes (a line of 3 x 65,280 ports
// allocates 41 MB), and boundedRate allows three times that, not a copy
// of every port in every stage.
func (g *grower) asked() int { return g.expanded + min(g.carried, llbMax) + g.ports }

// expand counts n bytes put into a word.
func (g *grower) expand(n int) { g.expanded = min(g.expanded+min(n, wordMax), fileMax) }

// carry adds n bytes to the environment, in a stage.
func (g *grower) carry(n int) {
	if g.stages > 0 {
		g.env += n
	}
}

// run writes a RUN line, which carries the whole environment.
func (g *grower) run(format string, a ...any) {
	g.needStage()
	fmt.Fprintf(&g.b, "RUN "+format+"\n", a...)
	g.carried += g.env + g.wdLen
}

func (g *grower) needStage() {
	if g.stages == 0 {
		g.fromStage(1)
	}
}

// piece is one thing a program can repeat; its count byte times scale is
// how many times.
type piece struct {
	name  string
	scale int
	write func(g *grower, reps int)
}

// pieces are what hostile Dockerfiles of issue 17 are made of.
var pieces = []piece{
	{"fromStage", 4, (*grower).fromStage},           // many stages, each FROM the one before
	{"fromImages", 4, (*grower).fromImages},         // many stages on distinct images
	{"copyFromStages", 4, (*grower).copyFromStages}, // many --from references, stage and near-miss names
	{"doubleArgs", 1, (*grower).doubleArgs},         // the ARG bomb
	{"copyFromArg", 4, (*grower).copyFromArg},       // --from=${A<chain>}
	{"nest", 64, (*grower).nest},                    // ${V:-${V:-...}}
	{"growEnv", 8, (*grower).growEnv},               // ENV P=${P}xxxxxxxxxx
	{"expose", 256, (*grower).expose},               // EXPOSE port ranges
	{"substitute", 8, (*grower).substitute},         // ${B//*a*a...b/x}
	{"args", 16, (*grower).args},                    // ARG a<i>=b
	{"envKeys", 16, (*grower).envKeys},              // one ENV of many keys
	{"workdir", 8, (*grower).workdir},               // WORKDIR a, deeper each time
	{"runUndefined", 4, (*grower).runUndefined},     // RUN echo $u<i>
	{"unknownTargets", 4, (*grower).unknownTargets}, // a target list of unknown names
	{"longName", 256, (*grower).longName},           // a stage name of many characters
}

// skippedPieces are pieces MULTISTAGE_FUZZ_SKIP names (comma-separated):
// a way to fuzz past a known finding while it is being fixed.
var skippedPieces = strings.Split(os.Getenv("MULTISTAGE_FUZZ_SKIP"), ",")

// growDockerfile reads the program as pairs of bytes, a piece and its
// count, until it ends or the Dockerfile reaches grownMax.
func growDockerfile(program []byte) *grower {
	g := &grower{chain: -1}
	for i := 0; i+1 < len(program) && g.b.Len() < grownMax; i += 2 {
		p := pieces[int(program[i])%len(pieces)]
		if slices.Contains(skippedPieces, p.name) {
			continue
		}
		reps := int(program[i+1]) * p.scale
		g.recipe = append(g.recipe, fmt.Sprintf("%s x%d", p.name, reps))
		p.write(g, reps)
	}
	g.needStage()
	return g
}

func (g *grower) fromStage(reps int) {
	for range reps {
		if g.stages == 0 {
			g.b.WriteString("FROM busybox AS s0\n")
		} else {
			fmt.Fprintf(&g.b, "FROM s%d AS s%d\n", g.stages-1, g.stages)
		}
		g.stages++
		g.run("echo %d", g.stages)
	}
}

func (g *grower) fromImages(reps int) {
	for range reps {
		fmt.Fprintf(&g.b, "FROM img%d AS s%d\n", g.stages, g.stages)
		g.stages++
	}
}

// copyFromStages names the stages from s0 up, and past the last stage
// names images one edit away from the stage names.
func (g *grower) copyFromStages(reps int) {
	g.needStage()
	for i := range reps {
		fmt.Fprintf(&g.b, "COPY --from=s%d /a /b%d\n", i, i)
	}
}

func (g *grower) doubleArgs(reps int) {
	for range reps {
		if g.chain < 0 {
			g.b.WriteString("ARG A0=xxxxxxxxxx\n")
			g.chain, g.chainLen = 0, 10
		} else {
			g.chain++
			fmt.Fprintf(&g.b, "ARG A%d=${A%d}${A%d}\n", g.chain, g.chain-1, g.chain-1)
			g.chainLen = min(2*g.chainLen, 2*wordMax)
		}
		g.expand(g.chainLen)
		g.carry(g.chainLen)
	}
}

func (g *grower) copyFromArg(reps int) {
	if g.chain < 0 {
		g.doubleArgs(1)
	}
	g.needStage()
	for i := range reps {
		fmt.Fprintf(&g.b, "COPY --from=${A%d} /a /c%d\n", g.chain, i)
		g.expand(g.chainLen)
	}
}

func (g *grower) nest(levels int) {
	g.run("echo %sx%s", strings.Repeat("${V:-", levels), strings.Repeat("}", levels))
}

func (g *grower) growEnv(reps int) {
	g.needStage()
	for range reps {
		g.b.WriteString("ENV P=${P}xxxxxxxxxx\n")
		g.expand(g.envGrow)
		g.envGrow += 10
		g.carry(10)
	}
}

// expose writes one EXPOSE line of n ports in each of three protocols.
func (g *grower) expose(n int) {
	g.needStage()
	n = min(max(n, 1), 65535)
	fmt.Fprintf(&g.b, "EXPOSE 1-%d/tcp 1-%d/udp 1-%d/sctp\n", n, n, n)
	g.ports = min(g.ports+3*n, portsMax)
}

// substitute replaces a pattern of n characters that never matches in a
// value of n characters.
func (g *grower) substitute(n int) {
	g.needStage()
	fmt.Fprintf(&g.b, "ARG B=%s\n", strings.Repeat("a", n))
	g.carry(n)
	g.run("echo ${B//%sb/x}", strings.Repeat("*a", n/2))
	g.expand(n)
}

func (g *grower) args(reps int) {
	for range reps {
		arg := fmt.Sprintf("a%d=b", g.plainArgs)
		fmt.Fprintf(&g.b, "ARG %s\n", arg)
		g.carry(len(arg))
		g.plainArgs++
	}
}

// envKeys writes one ENV of n keys, over continuation lines of 1,000 keys
// (BuildKit's parser takes no line over 64 KiB).
func (g *grower) envKeys(keys int) {
	g.needStage()
	g.b.WriteString("ENV k=v")
	for i := range keys {
		pair := fmt.Sprintf("k%d=v%d", i, i)
		fmt.Fprintf(&g.b, " %s", pair)
		g.carry(len(pair))
		if i%1000 == 999 {
			g.b.WriteString(" \\\n")
		}
	}
	g.b.WriteString("\n")
}

func (g *grower) workdir(reps int) {
	g.needStage()
	for range reps {
		g.b.WriteString("WORKDIR a\n")
		g.wdLen = min(g.wdLen+2, stages.MaxWorkdirBytes)
		g.carried += g.wdLen // its mkdir op holds the path
	}
}

func (g *grower) runUndefined(reps int) {
	for i := range reps {
		g.run("echo $u%d", i)
	}
}

// longName starts a stage whose name is n characters long (under
// BuildKit's 64 KiB line limit) and copies from ten images whose names are
// 200 characters long.
func (g *grower) longName(n int) {
	fmt.Fprintf(&g.b, "FROM busybox AS l%d%s\n", g.stages, strings.Repeat("x", min(n, 60000)))
	g.stages++
	for i := range 10 {
		fmt.Fprintf(&g.b, "COPY --from=img%02d%s /a /b\n", i, strings.Repeat("y", 195))
	}
}

func (g *grower) unknownTargets(reps int) {
	names := make([]string, reps)
	for i := range names {
		names[i] = fmt.Sprintf("u%d", i)
	}
	g.target = strings.Join(names, ",")
}

// boundedSeeds are the shapes of internal/benchdata at small sizes, as
// programs: pairs of a piece (its index in pieces) and a count. They pass
// today, so that plain go test runs them; the fuzzer grows them.
var boundedSeeds = [][]byte{
	{9, 6, 4, 1},               // from-args-same-stage: 96 ARGs, one --from=${A0}
	{0, 1, 9, 6, 1, 1, 4, 1},   // from-args-other-stage
	{9, 6, 4, 25},              // from-copies
	{0, 1, 3, 4, 4, 1, 0, 1},   // arg-bomb-from
	{3, 4, 0, 1},               // arg-bomb-global
	{1, 12, 2, 12},             // typo-chain
	{14, 4, 14, 4, 2, 10},      // typo-long
	{1, 1, 0, 10, 13, 10},      // unknown-targets
	{9, 6, 12, 25},             // args-times-runs
	{0, 12},                    // lint-chain
	{10, 6, 12, 25},            // lint-undefined
	{5, 1},                     // nesting
	{10, 60},                   // env-keys
	{6, 25},                    // env-grow
	{11, 25},                   // workdir
	{7, 1},                     // expose
	{8, 25},                    // regex
	{12, 25},                   // run-lines
	{3, 3, 0, 3, 4, 10, 6, 20}, // a mix
	{2, 10, 1, 2, 0, 2, 3},     // odd length: the last byte is ignored
}
