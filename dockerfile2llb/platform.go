package dockerfile2llb

import (
	"github.com/containerd/platforms"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/myorg/multistage/stages"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// platformOpt is the target and build platforms of one conversion.
type platformOpt struct {
	target ocispecs.Platform
	build  []ocispecs.Platform
	// implicit is true when no target platform was requested: the base
	// image may then pick one of the build platforms.
	implicit bool
}

func newPlatformOpt(opt ConvertOpt) platformOpt {
	po := platformOpt{build: opt.BuildPlatforms}
	if len(po.build) == 0 && opt.TargetPlatform != nil {
		po.build = []ocispecs.Platform{*opt.TargetPlatform}
	}
	if len(po.build) == 0 {
		po.build = []ocispecs.Platform{platforms.DefaultSpec()}
	}
	if opt.TargetPlatform != nil {
		po.target = *opt.TargetPlatform
	} else {
		po.target, po.implicit = po.build[0], true
	}
	return po
}

// autoArgs are the automatic platform ARGs; a build arg of the same name wins.
func (po platformOpt) autoArgs(buildArgs map[string]string) *stages.Args {
	b, t := po.build[0], po.target
	args := stages.NewArgs(
		[2]string{"BUILDPLATFORM", platforms.Format(b)},
		[2]string{"BUILDOS", b.OS},
		[2]string{"BUILDOSVERSION", b.OSVersion},
		[2]string{"BUILDARCH", b.Architecture},
		[2]string{"BUILDVARIANT", b.Variant},
		[2]string{"TARGETPLATFORM", platforms.FormatAll(t)},
		[2]string{"TARGETOS", t.OS},
		[2]string{"TARGETOSVERSION", t.OSVersion},
		[2]string{"TARGETARCH", t.Architecture},
		[2]string{"TARGETVARIANT", t.Variant},
	)
	for _, k := range args.Keys() {
		if v, ok := buildArgs[k]; ok {
			args.Set(k, v)
		}
	}
	return args
}

// preferImagePlatform picks the build platform that matches a base image
// when the user asked for no platform: an amd64-only image on an arm64
// builder with amd64 emulation keeps working.
func (po platformOpt) preferImagePlatform(img dockerspec.DockerOCIImage, requested ocispecs.Platform) ocispecs.Platform {
	if requested.OS == img.OS && requested.Architecture == img.Architecture {
		return requested
	}
	for _, p := range po.build {
		if p.OS == img.OS && p.Architecture == img.Architecture {
			return p
		}
	}
	return requested
}

// stagePlatform parses a stage's FROM --platform value.
func stagePlatform(n *stages.Node) (*ocispecs.Platform, error) {
	if n.Platform == "" {
		return nil, nil
	}
	p, err := platforms.Parse(n.Platform)
	if err != nil {
		return nil, withLine(err, n.Stage.Location, "FROM --platform=%s is not a valid platform", n.Platform)
	}
	return &p, nil
}
