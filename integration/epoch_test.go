package integration

import (
	"archive/tar"
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSourceDateEpochForms: every form of SOURCE_DATE_EPOCH upstream
// accepts, built for real. A number (a global ARG default, or a build arg
// over it); "context"; the name of a named context; the name of a
// source-only stage. A source's time is a git commit's, an HTTP
// Last-Modified header, or else the newest file in a downloaded archive.
// Each build checks the image's created time and what ARG
// SOURCE_DATE_EPOCH holds in a RUN step (the resolved seconds).
func TestSourceDateEpochForms(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	const newest, lastModified = 1700000402, 1700000601
	srv := serveEpochFiles(t, map[string]epochFile{
		"/archive.tar":  {content: epochTar(t, newest)},
		"/modified.tar": {content: epochTar(t, lastModified+3600), lastModified: lastModified},
	})
	gitURL, _ := serveGitRepo(t)
	const gitTime = 1704067200 // serveGitRepo commits at 2024-01-01T00:00:00Z

	const echo = "FROM busybox\nARG SOURCE_DATE_EPOCH\nRUN echo -n \"$SOURCE_DATE_EPOCH\" > /epoch\n"
	cases := []struct {
		name  string
		b     scenario
		epoch int64 // 0: unset
	}{
		{"global-default", scenario{dockerfile: "ARG SOURCE_DATE_EPOCH=1700000001\n" + echo}, 1700000001},
		{"build-arg-over-default", scenario{
			dockerfile: "ARG SOURCE_DATE_EPOCH=1700000001\n" + echo,
			buildArgs:  map[string]string{"SOURCE_DATE_EPOCH": "1700000002"},
		}, 1700000002},
		{"stage-http-archive", scenario{
			dockerfile: "ARG SOURCE_DATE_EPOCH=mysource\nFROM scratch AS mysource\nADD " + srv + "/archive.tar /\n" + echo,
		}, newest},
		{"stage-http-last-modified-arg", scenario{
			dockerfile: "ARG SOURCE_DATE_EPOCH=src\nFROM scratch AS src\nARG FILE=modified\nADD " + srv + "/${FILE}.tar /\n" + echo,
		}, lastModified},
		{"stage-git", scenario{
			dockerfile: "ARG SOURCE_DATE_EPOCH=mysource\nFROM scratch AS mysource\nADD " + gitURL + "/repo.git#main /\n" + echo,
		}, gitTime},
		{"named-context-http", scenario{
			dockerfile: "ARG SOURCE_DATE_EPOCH=mysource\n" + echo,
			attrs:      map[string]string{"context:mysource": srv + "/modified.tar"},
		}, lastModified},
		{"named-context-git", scenario{
			dockerfile: echo,
			attrs:      map[string]string{"context:mysource": gitURL + "/repo.git#main"},
			buildArgs:  map[string]string{"SOURCE_DATE_EPOCH": "mysource"},
		}, gitTime},
		// A local directory has no time of its own: the epoch is unset.
		{"context-local", scenario{
			dockerfile: echo,
			buildArgs:  map[string]string{"SOURCE_DATE_EPOCH": "context"},
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
				r := tc.b.mustBuild(t, e, m)
				if tc.epoch == 0 {
					wantFile(t, r, "epoch", "")
					return
				}
				wantFile(t, r, "epoch", strconv.FormatInt(tc.epoch, 10))
				if r.image == nil || r.image.Created == nil || r.image.Created.Unix() != tc.epoch {
					t.Errorf("image created %v, want %s", createdOf(r), time.Unix(tc.epoch, 0).UTC())
				}
			})
		})
	}
}

// TestSourceDateEpochMainContext: SOURCE_DATE_EPOCH=context with the build
// context downloaded over HTTP takes the download's Last-Modified time.
func TestSourceDateEpochMainContext(t *testing.T) {
	e := requireEnv(t)
	t.Parallel()
	const lastModified = 1700000201
	forEachMode(t, e, baseModes, func(t *testing.T, m mode) {
		s := &scenario{
			dockerfile: "FROM busybox\nARG SOURCE_DATE_EPOCH\nRUN echo -n \"$SOURCE_DATE_EPOCH\" > /epoch\n",
			buildArgs:  map[string]string{"SOURCE_DATE_EPOCH": "context"},
		}
		// The Dockerfile (line 1 the mode's) travels in the context
		// downloaded from srv; the local copy goes unread.
		srv := serveEpochFiles(t, map[string]epochFile{
			"/context.tar": {content: tarOf(t, tarEntry{"Dockerfile", s.dockerfileFor(t, e, m), lastModified - 60}), lastModified: lastModified},
		})
		s.attrs = map[string]string{"context": srv + "/context.tar"}
		r := s.mustBuild(t, e, m)
		wantFile(t, r, "epoch", strconv.Itoa(lastModified))
		if r.image == nil || r.image.Created == nil || r.image.Created.Unix() != lastModified {
			t.Errorf("image created %v, want %s", createdOf(r), time.Unix(lastModified, 0).UTC())
		}
	})
}

func createdOf(r *result) any {
	if r.image == nil || r.image.Created == nil {
		return "nothing"
	}
	return r.image.Created.UTC()
}

// epochFile is one file served over HTTP; lastModified 0 sends no
// Last-Modified header.
type epochFile struct {
	content      []byte
	lastModified int64
}

// serveEpochFiles serves files on 127.0.0.1 and returns the base URL.
func serveEpochFiles(t *testing.T, files map[string]epochFile) string {
	t.Helper()
	return loopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(len(f.content))+"-"+r.URL.Path))
		if f.lastModified != 0 {
			w.Header().Set("Last-Modified", time.Unix(f.lastModified, 0).UTC().Format(http.TimeFormat))
		}
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.content)
		}
	}))
}

// loopbackServer serves h on 127.0.0.1 until the test ends and returns its
// base URL.
func loopbackServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server at %s, not on 127.0.0.1", srv.URL)
	}
	return srv.URL
}

// tarEntry is one regular file of a test archive.
type tarEntry struct {
	name, body string
	mtime      int64
}

// epochTar is an archive whose newest regular file is from newest.
func epochTar(t *testing.T, newest int64) []byte {
	return tarOf(t, tarEntry{"old", "old\n", newest - 3600}, tarEntry{"new", "new\n", newest})
}

func tarOf(t *testing.T, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, en := range entries {
		h := &tar.Header{Name: en.name, Mode: 0o644, Size: int64(len(en.body)), ModTime: time.Unix(en.mtime, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(en.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
