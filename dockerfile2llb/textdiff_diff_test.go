package dockerfile2llb_test

import (
	"fmt"
	"strings"
)

// unifiedDiff returns a unified-style line diff of a and b (empty when
// equal), with ctx lines of context around each change.
func unifiedDiff(nameA, nameB, a, b string, ctx int) string {
	if a == b {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)

	// Trim the common prefix and suffix so the quadratic LCS only sees the
	// part that changed.
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	ma, mb := al[pre:len(al)-suf], bl[pre:len(bl)-suf]

	type line struct {
		op   byte // ' ', '-', '+'
		text string
		ai   int // line number in a (1-based), for hunk headers
		bi   int
	}
	var lines []line
	for i := 0; i < pre; i++ {
		lines = append(lines, line{' ', al[i], i + 1, i + 1})
	}
	if len(ma)*len(mb) > 4_000_000 {
		// Too big for LCS: show it as a replacement.
		for i, s := range ma {
			lines = append(lines, line{'-', s, pre + i + 1, pre + 1})
		}
		for i, s := range mb {
			lines = append(lines, line{'+', s, pre + len(ma) + 1, pre + i + 1})
		}
	} else {
		n, m := len(ma), len(mb)
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				lines = append(lines, line{' ', ma[i], pre + i + 1, pre + j + 1})
				i++
				j++
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				lines = append(lines, line{'-', ma[i], pre + i + 1, pre + j + 1})
				i++
			default:
				lines = append(lines, line{'+', mb[j], pre + i + 1, pre + j + 1})
				j++
			}
		}
	}
	for i := 0; i < suf; i++ {
		ai, bi := len(al)-suf+i, len(bl)-suf+i
		lines = append(lines, line{' ', al[ai], ai + 1, bi + 1})
	}

	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
	for k := 0; k < len(lines); {
		if lines[k].op == ' ' {
			k++
			continue
		}
		start := max(0, k-ctx)
		end := k
		for end < len(lines) {
			if lines[end].op != ' ' {
				end++
				continue
			}
			// stop when the next change is more than 2*ctx lines away
			next := end
			for next < len(lines) && lines[next].op == ' ' {
				next++
			}
			if next == len(lines) || next-end > 2*ctx {
				break
			}
			end = next
		}
		stop := min(len(lines), end+ctx)
		fmt.Fprintf(&out, "@@ -%d +%d @@\n", lines[start].ai, lines[start].bi)
		for _, l := range lines[start:stop] {
			fmt.Fprintf(&out, "%c %s\n", l.op, l.text)
		}
		k = stop
	}
	return out.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
