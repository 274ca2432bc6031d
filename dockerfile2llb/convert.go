// Package dockerfile2llb turns the part of a stage graph that a target needs
// into an LLB state and an OCI image config, for one target platform.
//
// The flow is: parse (stages.Parse) → graph (stages.Build) → resolve the
// base images the graph reaches (resolve.go) → dispatch each stage in graph
// order, one instruction at a time (dispatch.go and one file per family) →
// bind the build context to the paths that were used (context.go).
package dockerfile2llb

import (
	"context"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/util/apicaps"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/lint"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// ConvertOpt is everything a conversion depends on besides the Dockerfile.
type ConvertOpt struct {
	dockerui.Config
	// Client gives named contexts, no-cache and the build context with
	// .dockerignore applied; nil when converting offline.
	Client *dockerui.Client
	// MainContext replaces the local "context" source when Client is nil.
	MainContext *llb.State
	SourceMap   *llb.SourceMap
	// TargetPlatform is the platform to build for; nil means the first
	// build platform, with the base image's platform preferred when it is
	// one of the build platforms.
	TargetPlatform *ocispecs.Platform
	MetaResolver   llb.ImageMetaResolver
	LLBCaps        *apicaps.CapSet
	Warn           linter.LintWarnFunc
	// Includes reads the files INCLUDE names; nil makes INCLUDE an
	// unknown instruction, as upstream has it.
	Includes IncludeReader
	// WarnFile receives the warnings about included files; nil passes
	// them to Warn with the file named in the message.
	WarnFile WarnFileFunc
}

// Result is one platform's conversion.
type Result struct {
	State llb.State
	Image *dockerspec.DockerOCIImage
	// BaseImage is the config of the image the target is ultimately built
	// on; nil for scratch.
	BaseImage *dockerspec.DockerOCIImage
	Graph     *stages.Graph
	// Epoch is SOURCE_DATE_EPOCH when set.
	Epoch *time.Time
	// SBOM lists what an SBOM generator scans.
	SBOM *SBOMTargets
	// OffPath are the stages MULTISTAGE_BUILD_ALL adds to the build.
	OffPath []OffPathStage
}

// converter holds one conversion. It is not shared between platforms.
type converter struct {
	opt      ConvertOpt
	platform platformOpt
	df       *stages.Dockerfile
	graph    *stages.Graph
	// files say which file each line is in; sourceMaps are the included
	// files' source maps, by source index (include.go).
	files      *stages.Files
	sourceMaps map[int]*llb.SourceMap
	lex        lexer
	// progressLex and heredocLex are made once: a lexer is a kilobyte.
	progressLex, heredocLex lexer
	lint                    *linter.Linter
	states                  map[*stages.Node]*stageState
	images                  *imageSet
	proxy                   *llb.ProxyEnv
	// buildContext is bound to the real context source once every stage
	// has said which paths it reads.
	buildContext *lateOutput
	ctxPaths     pathSet
	// namedCtxPaths are the paths used of each named context, by name.
	namedCtxPaths map[string]pathSet
	// loadedContexts are the named contexts loaded so far.
	loadedContexts map[contextKey]loadedContext
	edgesByCmd     map[instructions.Command][]*stages.Edge
	// buildAll is MULTISTAGE_BUILD_ALL, which every pass drops from the
	// build args; the passes that honour it read it here.
	buildAll bool
	// everyCap memoises daemonHasEveryCap; nil until asked.
	everyCap *bool
	epoch    *time.Time
	// pendingEpoch is a SOURCE_DATE_EPOCH read from a source at build
	// time; epochContext the named context it names, if any.
	pendingEpoch *epochSource
	epochContext string
	// retargeted holds stages converted for a child's FROM --platform.
	retargeted map[platformKey]*stageState
	// portsExposed counts the ports EXPOSE listed, for MaxExposedPorts.
	portsExposed int
	// envCarried sums the environment of every RUN, for MaxCarriedBytes.
	envCarried int
	// noCache is the no-cache option (--no-cache-filter).
	noCache noCacheFilter
	// observers read the dispatch: lint rules, the outline.
	observers []*events.Observer
}

// Convert parses dt and converts the stages the target needs. Errors name
// the Dockerfile lines they concern (parser.LocationError).
func Convert(ctx context.Context, dt []byte, opt ConvertOpt) (*Result, error) {
	res, err := convert(ctx, dt, opt)
	return res, withFix(err)
}

func convert(ctx context.Context, dt []byte, opt ConvertOpt) (*Result, error) {
	c, err := run(ctx, dt, opt, pass{depth: dispatched, buildAll: true, epoch: true})
	if err != nil {
		return nil, err
	}
	res, err := c.finish(ctx)
	if err == nil && c.buildAll {
		res.OffPath, err = c.offPath(ctx)
	}
	return res, c.withFiles(err)
}

func newConverter(ctx context.Context, dt []byte, opt ConvertOpt) (*converter, error) {
	buildAll, err := takeBuildAll(&opt)
	if err != nil {
		return nil, err
	}
	c := &converter{
		buildAll:       buildAll,
		opt:            opt,
		platform:       newPlatformOpt(opt),
		states:         map[*stages.Node]*stageState{},
		retargeted:     map[platformKey]*stageState{},
		proxy:          proxyFromBuildArgs(opt.BuildArgs),
		buildContext:   &lateOutput{},
		ctxPaths:       pathSet{},
		namedCtxPaths:  map[string]pathSet{},
		loadedContexts: map[contextKey]loadedContext{},
		files:          &stages.Files{},
	}
	if c.opt.LLBCaps == nil && opt.Client != nil {
		caps := opt.Client.BuildOpts().LLBCaps
		c.opt.LLBCaps = &caps
	}
	// Before anything reads the text: even a "# check=" directive could
	// quote a byte that protobuf cannot carry.
	if err := stages.CheckUTF8(dt); err != nil {
		return nil, err
	}
	l, err := lint.NewLinter(dt, opt.LinterConfig, c.linterWarn())
	if err != nil {
		return nil, err
	}
	c.lint = l
	df, err := stages.ParseContext(ctx, dt, stages.ParseOpt{
		Linter:    c.lint,
		AutoArgs:  c.platform.autoArgs(opt.BuildArgs),
		BuildArgs: opt.BuildArgs,
		Target:    opt.Target,
		Reader:    c.fileReader(),
		MainName:  mainName(opt),
		Files:     c.files,
	})
	if err != nil {
		return nil, err
	}
	// Every lexer of the conversion draws on the file's expansion budget.
	c.df, c.lex = df, newLexer(df.NewLex())
	c.progressLex, c.heredocLex = progressLexer(df.NewLex()), heredocLexer(df.NewLex())
	c.graph, err = stages.Build(stages.FromDockerfile(df, opt.Target, c.hasNamedContext))
	if err != nil {
		c.lintWithoutGraph()
		return nil, err
	}
	c.images = newImageSet(c)
	if err := c.sourceDateEpoch(); err != nil {
		return nil, err
	}
	c.warnUnusedContexts()
	c.noCache = c.readNoCache()
	return c, nil
}
