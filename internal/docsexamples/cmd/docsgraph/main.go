// Command docsgraph writes the DOT behind each documentation picture: for
// every example marked `<!-- docs-image: PATH -->`, it lays out the
// example's files, runs its --call=graph command through the buildx
// builder of the test environment, and writes what the command prints to
// OUT/<page's directory>/PATH with .dot for .svg. It prints each path it
// wrote, one a line, for hack/docs-images.sh to render with Graphviz.
//
//	docsgraph -out DIR [PAGE...]   (pages relative to the current directory;
//	                                default README.md and docs/**/*.md)
//
// It reads MULTISTAGE_BUILDX_BUILDER and MULTISTAGE_BUILDX as the
// integration tests do (hack/env.sh's env file sets them).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/myorg/multistage/internal/docsexamples"
)

func main() {
	out := flag.String("out", ".", "directory the .dot files go under, at their pages' paths")
	flag.Parse()
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "docsgraph:", err)
		os.Exit(1)
	}
}

func run(out string, pages []string) error {
	builder := os.Getenv("MULTISTAGE_BUILDX_BUILDER")
	if builder == "" {
		return fmt.Errorf("MULTISTAGE_BUILDX_BUILDER is not set: source the env file of hack/env.sh up")
	}
	buildx := strings.Fields(os.Getenv("MULTISTAGE_BUILDX"))
	if len(buildx) == 0 {
		buildx = []string{"docker", "buildx"}
	}
	tmp, err := os.MkdirTemp("", "docsgraph-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env, err := docsexamples.BuildxEnv(os.Environ(), tmp, buildx, builder)
	if err != nil {
		return err
	}
	if len(pages) == 0 {
		if pages, err = docsexamples.Pages("."); err != nil {
			return err
		}
	}
	for _, page := range pages {
		if err := drawPage(page, out, env); err != nil {
			return err
		}
	}
	return nil
}

// drawPage writes the DOT of each picture page names.
func drawPage(page, out string, env []string) error {
	p, errs := docsexamples.ParseFile(".", page)
	if len(errs) > 0 {
		// The examples that did parse still draw; the docs tests fail on
		// these problems and list them all.
		fmt.Fprintf(os.Stderr, "docsgraph: %s has %d problems, the first: %v\n", page, len(errs), errs[0])
	}
	for _, ex := range p.Examples {
		if ex.Image == "" {
			continue
		}
		dot, err := graphOf(ex, env)
		if err != nil {
			return err
		}
		dest := filepath.Join(out, filepath.FromSlash(path.Join(path.Dir(page), strings.TrimSuffix(ex.Image, ".svg")+".dot")))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dest, []byte(dot), 0o644); err != nil {
			return err
		}
		fmt.Println(dest)
	}
	return nil
}

// graphOf runs the example's --call=graph command in a fresh context and
// returns the DOT it printed.
func graphOf(ex docsexamples.Example, env []string) (string, error) {
	dir, err := os.MkdirTemp("", "docsgraph-ctx-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := ex.WriteFiles(dir); err != nil {
		return "", err
	}
	c, _ := docsexamples.GraphCommand(ex.Commands)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	o := docsexamples.Run(ctx, dir, env, c)
	if o.Err != nil {
		return "", fmt.Errorf("%s:%d: $ %s: %v\n%s", ex.Doc, c.Line, c.Text, o.Err, o.Combined)
	}
	if !strings.HasPrefix(o.Stdout, "digraph ") {
		return "", fmt.Errorf("%s:%d: $ %s printed no DOT on stdout (it must print it, not pipe it on):\n%s", ex.Doc, c.Line, c.Text, o.Combined)
	}
	return o.Stdout, nil
}
