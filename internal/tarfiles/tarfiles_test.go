package tarfiles

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

// archive holds, in this order, "a" (content "one"), "d/", "d/b" ("two"),
// a symlink "s", a hard link "h" to "a" and a FIFO "p".
func archive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := tw.AddFS(fstest.MapFS{
		"a":   {Data: []byte("one")},
		"d/b": {Data: []byte("two")},
		"s":   {Data: []byte("a"), Mode: fs.ModeSymlink},
	})
	// AddFS writes neither of these.
	for _, h := range []*tar.Header{
		{Typeflag: tar.TypeLink, Name: "h", Linkname: "a"},
		{Typeflag: tar.TypeFifo, Name: "p"},
	} {
		err = errors.Join(err, tw.WriteHeader(h))
	}
	if err := errors.Join(err, tw.Close()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestEach pins which entries count as regular files and what f is given.
func TestEach(t *testing.T) {
	full := archive(t)
	var empty bytes.Buffer
	if err := tar.NewWriter(&empty).Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		stopAt  string
		want    []string
		wantErr bool
	}{
		{name: "regular files and hard links, in order", data: full, want: []string{"a=one", "d/b=two", "h="}},
		{name: "empty archive", data: empty.Bytes()},
		{name: "f's error stops the walk", data: full, stopAt: "d/b", want: []string{"a=one", "d/b=two"}, wantErr: true},
		{name: "not a tar stream", data: []byte("not a tar stream, but long enough to be read as a header block"), wantErr: true},
		{name: "cut short in the hard link's header", data: full[:3300], want: []string{"a=one", "d/b=two"}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			errStop := errors.New("stop")
			err := Each(bytes.NewReader(tc.data), func(h *tar.Header, r io.Reader) error {
				dt, err := io.ReadAll(r)
				if err != nil {
					return err
				}
				got = append(got, h.Name+"="+string(dt))
				if h.Name == tc.stopAt {
					return errStop
				}
				return nil
			})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tc.wantErr)
			}
			if tc.stopAt != "" && !errors.Is(err, errStop) {
				t.Fatalf("err = %v, want f's error", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
