package docsexamples

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Pages lists the documentation under root: README.md and every .md file
// below docs/, slash-separated and relative to root, sorted.
func Pages(root string) ([]string, error) {
	var pages []string
	if _, err := os.Stat(filepath.Join(root, "README.md")); err == nil {
		pages = append(pages, "README.md")
	}
	docs := filepath.Join(root, "docs")
	err := filepath.WalkDir(docs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir // fixtures, not pages
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	sort.Strings(pages)
	return pages, nil
}

// ParseFile is Parse of root/page, naming it page.
func ParseFile(root, page string) (Page, []error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(page)))
	if err != nil {
		return Page{}, []error{err}
	}
	return Parse(page, string(src))
}
