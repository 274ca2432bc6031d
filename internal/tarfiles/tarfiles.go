// Package tarfiles walks the regular files of a tar stream: the converter
// reads their times for SOURCE_DATE_EPOCH from a downloaded archive, the
// integration tests read exported tarballs.
package tarfiles

import (
	"archive/tar"
	"errors"
	"io"
)

// Each calls f with the header and content of each regular file of the tar
// stream r, in order, and stops at the first error of r or f. Regular is
// what the header's mode says, as upstream's epoch reading takes it, so a
// hard link counts (its content is empty).
func Each(r io.Reader, f func(h *tar.Header, content io.Reader) error) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if !h.FileInfo().Mode().IsRegular() {
			continue
		}
		if err := f(h, tr); err != nil {
			return err
		}
	}
}
