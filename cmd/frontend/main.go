// Command frontend is the multistage BuildKit gateway frontend.
//
// BuildKit starts it inside the frontend image and talks to it over the
// gateway API on stdio; it is not meant to be run by hand except for -version.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/moby/buildkit/frontend/gateway/grpcclient"
	"github.com/moby/buildkit/util/appcontext"
	"github.com/myorg/multistage/cmd/frontend/gateway"
	"github.com/sirupsen/logrus"
)

// version is set at link time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("multistage %s\n", version)
		return
	}
	// stdout carries the gateway protocol; logs must stay on stderr.
	logrus.SetOutput(os.Stderr)
	if err := grpcclient.RunFromEnvironment(appcontext.Context(), gateway.Build); err != nil {
		logrus.Errorf("fatal error: %+v", err)
		os.Exit(1)
	}
}
