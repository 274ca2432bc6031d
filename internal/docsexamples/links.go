package docsexamples

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Link is one link target written on a page.
type Link struct {
	Line   int
	Target string
}

var (
	linkDef   = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?`)
	autoLink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	htmlLink  = regexp.MustCompile(`<(?:a|img)\s[^>]*?(?:href|src)="([^"]*)"`)
	urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// Links is every link target on a page outside fenced blocks and code
// spans: inline links and images, reference definitions, autolinks, and
// href/src of <a> and <img>.
func Links(src string) []Link {
	var out []Link
	for _, l := range prose(src) {
		if m := linkDef.FindStringSubmatch(l.text); m != nil {
			out = append(out, Link{l.n, m[1]})
			continue
		}
		for _, seg := range splitCode(l.text) {
			if seg.code {
				continue
			}
			for _, t := range inlineTargets(seg.text) {
				out = append(out, Link{l.n, t})
			}
			for _, re := range []*regexp.Regexp{autoLink, htmlLink} {
				for _, m := range re.FindAllStringSubmatch(seg.text, -1) {
					out = append(out, Link{l.n, m[1]})
				}
			}
		}
	}
	return out
}

// inlineTargets finds each `](target)` in s: the destination, which may be
// in <angle brackets> and may hold balanced parentheses, without its title.
func inlineTargets(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "](")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		if strings.HasPrefix(s, "<") {
			if j := strings.IndexByte(s, '>'); j > 0 {
				out = append(out, s[1:j])
				s = s[j+1:]
			}
			continue
		}
		depth, j := 0, 0
		for ; j < len(s); j++ {
			if s[j] == '(' {
				depth++
			} else if s[j] == ')' {
				if depth == 0 {
					break
				}
				depth--
			}
		}
		dest, _, _ := strings.Cut(strings.TrimSpace(s[:j]), " ")
		out = append(out, dest)
		s = s[j:]
	}
}

// LinkReport is what checking the links of some pages found.
type LinkReport struct {
	Broken   []error // page:line and what is wrong, one per broken link
	External int     // http(s) and other scheme links, counted, not fetched
	Checked  int     // relative links and anchors that resolved
}

// CheckLinks checks every relative link and #anchor of pages (relative to
// root): the file or directory exists inside root, and an anchor into a
// markdown file matches one of its headings' slugs.
func CheckLinks(root string, pages []string) LinkReport {
	var r LinkReport
	anchors := map[string]map[string]bool{}
	for _, page := range pages {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(page)))
		if err != nil {
			r.Broken = append(r.Broken, err)
			continue
		}
		for _, l := range Links(string(src)) {
			switch msg := checkLink(root, page, l.Target, anchors); msg {
			case "external":
				r.External++
			case "":
				r.Checked++
			default:
				r.Broken = append(r.Broken, &Error{page, l.Line, fmt.Sprintf("link %q: %s", l.Target, msg)})
			}
		}
	}
	return r
}

// checkLink says what is wrong with one target of page, "" when nothing,
// and "external" for a link to elsewhere.
func checkLink(root, page, target string, anchors map[string]map[string]bool) string {
	if urlScheme.MatchString(target) {
		return "external"
	}
	raw, frag, _ := strings.Cut(target, "#")
	raw, _, _ = strings.Cut(raw, "?")
	p, err := url.PathUnescape(raw)
	if err != nil {
		return fmt.Sprintf("bad escape in the path: %v", err)
	}
	file := page
	if p != "" {
		if file = resolve(page, p); file == "" {
			return "points outside the repository"
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(file))); err != nil {
			return fmt.Sprintf("%s does not exist", file)
		}
	}
	if frag == "" || !strings.HasSuffix(file, ".md") {
		return "" // GitHub's line anchors into other files are not checked
	}
	if anchors[file] == nil {
		src, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		anchors[file] = Anchors(string(src))
	}
	if !anchors[file][frag] {
		return fmt.Sprintf("%s has no heading whose anchor is #%s", file, frag)
	}
	return ""
}

// resolve is link target p of page as a path from the repository root
// ("/..." starts there, as on GitHub), or "" if it leaves the repository.
func resolve(page, p string) string {
	var joined string
	if strings.HasPrefix(p, "/") {
		joined = path.Clean(strings.TrimPrefix(p, "/"))
	} else {
		joined = path.Clean(path.Join(path.Dir(page), p))
	}
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return ""
	}
	return joined
}
