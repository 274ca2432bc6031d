// Command democlient builds a directory's Dockerfile on a Docker Engine's
// own BuildKit and stores the result as an image in that engine, as
// `docker build` does, for hack/demo.sh.
//
// It exists because the docker CLI of Debian's docker.io package here
// refuses BuildKit builds without the buildx plugin, and compiling buildx
// takes minutes the demo does not have. The engine serves BuildKit's
// control API on its /grpc endpoint and the build's session on /session
// (both HTTP upgrades of its API socket, what buildx's docker driver
// dials), so BuildKit's own client is all a build needs.
//
//	democlient -host unix:///path/docker.sock -tag NAME DIR
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/tonistiigi/fsutil"
	"golang.org/x/sync/errgroup"
)

func main() {
	host := flag.String("host", "", "the engine's API socket, unix:///path/docker.sock")
	tag := flag.String("tag", "", "the name of the image to store in the engine")
	flag.Parse()
	if *host == "" || *tag == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: democlient -host unix:///path/docker.sock -tag NAME DIR")
		os.Exit(2)
	}
	if err := build(context.Background(), strings.TrimPrefix(*host, "unix://"), *tag, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "democlient:", err)
		os.Exit(1)
	}
}

// build solves dir/Dockerfile with BuildKit's Dockerfile frontend, which
// hands the build to whatever its syntax line names. RUN steps use the
// host's network: the engine runs with no bridge of its own.
func build(ctx context.Context, socket, tag, dir string) error {
	c, err := client.New(ctx, "",
		client.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return upgrade(ctx, socket, "/grpc", "h2c", nil)
		}),
		client.WithSessionDialer(func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
			return upgrade(ctx, socket, "/session", proto, meta)
		}))
	if err != nil {
		return err
	}
	defer c.Close()
	local, err := fsutil.NewFS(dir)
	if err != nil {
		return err
	}
	opt := client.SolveOpt{
		Frontend:            "dockerfile.v0",
		FrontendAttrs:       map[string]string{"force-network-mode": "host"},
		LocalMounts:         map[string]fsutil.FS{"context": local, "dockerfile": local},
		AllowedEntitlements: []string{"network.host"},
		// The engine's exporter into its own image store.
		Exports: []client.ExportEntry{{Type: "moby", Attrs: map[string]string{"name": tag}}},
	}
	status := make(chan *client.SolveStatus)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		_, err := c.Solve(ctx, nil, opt, status)
		return err
	})
	g.Go(func() error {
		printProgress(status)
		return nil
	})
	return g.Wait()
}

// upgrade opens the engine's API socket and upgrades one HTTP request on
// path to proto; the connection then carries that protocol.
func upgrade(ctx context.Context, socket, path, proto string, meta map[string][]string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, "http://docker"+path, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	for k, vs := range meta {
		req.Header[k] = vs
	}
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", proto)
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		conn.Close()
		return nil, fmt.Errorf("POST %s: the engine answered %s, not an upgrade to %s", path, resp.Status, proto)
	}
	return &bufferedConn{Conn: conn, r: br}, nil
}

// bufferedConn reads what the response reader already buffered first.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// printProgress prints each step when it starts and when it ends, and the
// output of RUN steps, in the spirit of `--progress=plain`.
func printProgress(status <-chan *client.SolveStatus) {
	ids := map[string]int{}
	started := map[string]bool{}
	done := map[string]bool{}
	id := func(d string) int {
		if _, ok := ids[d]; !ok {
			ids[d] = len(ids) + 1
		}
		return ids[d]
	}
	for s := range status {
		for _, v := range s.Vertexes {
			n := id(v.Digest.String())
			if v.Started != nil && !started[v.Digest.String()] {
				started[v.Digest.String()] = true
				fmt.Printf("#%d %s\n", n, v.Name)
			}
			if v.Completed != nil && !done[v.Digest.String()] {
				done[v.Digest.String()] = true
				printEnd(n, v)
			}
		}
		for _, l := range s.Logs {
			for _, line := range strings.SplitAfter(strings.TrimRight(string(l.Data), "\n"), "\n") {
				fmt.Printf("#%d %s\n", id(l.Vertex.String()), strings.TrimRight(line, "\n"))
			}
		}
	}
}

func printEnd(n int, v *client.Vertex) {
	switch {
	case v.Error != "":
		fmt.Printf("#%d ERROR: %s\n", n, v.Error)
	case v.Cached:
		fmt.Printf("#%d CACHED\n", n)
	case v.Started != nil:
		fmt.Printf("#%d DONE %.1fs\n", n, v.Completed.Sub(*v.Started).Round(100*time.Millisecond).Seconds())
	default:
		fmt.Printf("#%d DONE\n", n)
	}
}
