package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEngine answers one request on a unix socket with status, then
// echoes what the client sends after the response (the upgraded protocol).
func fakeEngine(t *testing.T, status string, trailing string) (socket string, got chan *http.Request) {
	t.Helper()
	socket = filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	got = make(chan *http.Request, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		got <- req
		io.WriteString(conn, "HTTP/1.1 "+status+"\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"+trailing)
		io.Copy(conn, br)
	}()
	return socket, got
}

func TestUpgrade(t *testing.T) {
	cases := []struct {
		name, status, trailing, wantErr string
	}{
		// Bytes the engine sends right after the response must reach the
		// protocol, not stay in the response reader's buffer.
		{name: "switches", status: "101 Switching Protocols", trailing: "early"},
		{name: "refused", status: "404 Not Found", wantErr: "answered 404 Not Found, not an upgrade to h2c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			socket, got := fakeEngine(t, tc.status, tc.trailing)
			conn, err := upgrade(context.Background(), socket, "/grpc", "h2c", map[string][]string{"X-Docker-Expose-Session-Uuid": {"u1"}})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("upgrade error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			req := <-got
			if req.Method != http.MethodPost || req.URL.Path != "/grpc" || req.Header.Get("Upgrade") != "h2c" ||
				req.Header.Get("Connection") != "Upgrade" || req.Header.Get("X-Docker-Expose-Session-Uuid") != "u1" {
				t.Errorf("request = %s %s %v", req.Method, req.URL.Path, req.Header)
			}
			if _, err := io.WriteString(conn, "ping"); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, len(tc.trailing)+len("ping"))
			if _, err := io.ReadFull(conn, buf); err != nil {
				t.Fatal(err)
			}
			if string(buf) != tc.trailing+"ping" {
				t.Errorf("read %q after the upgrade, want %q", buf, tc.trailing+"ping")
			}
		})
	}
}
