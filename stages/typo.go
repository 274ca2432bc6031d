package stages

// nameIndex answers what suggest.Search(query, names, true) answers, the
// way the typo checks ask it, without comparing the query with every name
// in full. Search keeps the name at the smallest Levenshtein distance
// (over runes) below 3, the first in list order on a tie, and gives up
// when a name equals the query. Only distances 0 to 2 matter, so the names
// sit in a compressed trie that a search walks with five cells of the
// distance table per rune (the band |name prefix - query prefix| <= 2),
// leaving a subtree when every cell is past 2, when no name in it has a
// length within 2 of the query's, or when it can only hold names that lose
// to the best one found (no nearer, and later in the list). Names that
// share a prefix share its work: the image names img0 ... img49999 each
// walk about sixty runes of the stage names s0 ... s49999.
//
// Names built to defeat the trie (thousands of them, each a distinct pair
// of runes followed by the same long text) could still make every query
// walk most of it. The work is therefore capped: a budget of rune steps,
// searchFloor plus searchPerRune for each rune of the names and of the
// queries, so the whole check stays linear in its input. Past it, every
// search answers "no suggestion", which leaves the reference an image, as
// it would be without the check. No real Dockerfile comes near it: that
// 50,000-stage chain spends 6% of it.
type nameIndex struct {
	names []string       // distinct names, in the order of their first occurrence
	spelt [][]rune       // the runes of each name
	exact map[string]int // position of each name in names
	nodes []trieNode     // nodes[0] is the root
	// budget is the number of rune steps left; spent counts them, for
	// the tests.
	budget, spent int
	exhausted     bool
}

const (
	searchFloor   = 1 << 20
	searchPerRune = 64
	// farther is a distance no search reports: suggest.Search keeps
	// distances below 3. Band cells are capped at it.
	farther = 3
)

// trieNode is reached from its parent by a label of one or more runes;
// a name ends at a node, never inside a label.
type trieNode struct {
	// The label is spelt[name][from:to], in the name that made the node.
	name, from, to int32
	child, next    int32 // first child and next sibling; 0 means none (the root is no one's child)
	// first is the smallest position among the names in the subtree, and
	// minLen, maxLen bound their lengths in runes.
	first, minLen, maxLen int32
	// ends are the positions of the first two names that end here, -1 for
	// none. Two names end at the same node only when their invalid UTF-8
	// bytes read as the same runes; a search skips at most one name, so
	// the second is all it can need.
	ends [2]int32
}

func (x *nameIndex) label(n *trieNode) []rune { return x.spelt[n.name][n.from:n.to] }

func (x *nameIndex) spend() bool {
	x.spent++
	x.budget--
	return x.budget >= 0
}

// search is suggest.Search(query, names without skip, true): the nearest
// name, "" when there is none within distance 2 or one equals query. An
// empty skip leaves every name in.
func (x *nameIndex) search(query, skip string) string {
	if _, ok := x.exact[query]; ok && (skip == "" || query != skip) {
		return ""
	}
	q := []rune(query)
	x.budget += searchPerRune * (len(q) + 1)
	if x.exhausted {
		return ""
	}
	w := &trieWalk{x: x, q: q, skip: skip, best: -1, bestDist: farther}
	if w.run(); x.exhausted {
		return ""
	}
	if w.best < 0 {
		return ""
	}
	return x.names[w.best]
}

// trieWalk is one search: the band of the distance table along the path
// it is on, and the best name found so far.
type trieWalk struct {
	x    *nameIndex
	q    []rune
	skip string
	// rows[d] holds the distances between the path's first d runes and
	// the query's first d-2 .. d+2 runes, capped at farther.
	rows     [][5]uint8
	best     int32 // position of the best name, -1 for none
	bestDist uint8
}

// run walks the trie depth first, children in the order of their first
// names, until it is done or the budget runs out.
func (w *trieWalk) run() {
	root := &w.x.nodes[0]
	w.rows = append(w.rows[:0], w.firstRow())
	w.consider(root, 0)
	// The path holds, for each node above, the child being visited and the
	// depth its label starts at; a child of 0 means its siblings are done.
	type step struct {
		node  int32
		depth int
	}
	path := []step{{root.child, 0}}
	for len(path) > 0 && !w.x.exhausted {
		top := len(path) - 1
		at := path[top]
		if at.node == 0 {
			path = path[:top]
			if top > 0 {
				path[top-1].node = w.x.nodes[path[top-1].node].next
			}
			continue
		}
		n := &w.x.nodes[at.node]
		if end, deeper := w.visit(n, at.depth); deeper {
			path = append(path, step{n.child, end})
		} else {
			path[top].node = n.next
		}
	}
}

// visit walks the label of n from depth d, weighs the names that end at
// n, and reports the depth n ends at and whether its children may hold a
// better name.
func (w *trieWalk) visit(n *trieNode, d int) (int, bool) {
	m := int32(len(w.q))
	if n.maxLen < m-2 || n.minLen > m+2 {
		return d, false
	}
	var low uint8
	for _, r := range w.x.label(n) {
		if !w.x.spend() {
			w.x.exhausted = true
			return d, false
		}
		d++
		w.rows = append(w.rows[:d], w.step(w.rows[d-1], r, d))
		if low = bandMin(w.rows[d]); !w.mayImprove(n, low) {
			return d, false
		}
	}
	w.consider(n, d)
	return d, n.child != 0 && w.mayImprove(n, low)
}

// mayImprove reports whether names below n, at least low away, can beat
// the best so far: nearer, or as near and earlier.
func (w *trieWalk) mayImprove(n *trieNode, low uint8) bool {
	return low < farther && (low < w.bestDist || n.first < w.best)
}

func bandMin(row [5]uint8) uint8 {
	low := row[0]
	for _, v := range row[1:] {
		low = min(low, v)
	}
	return low
}

// firstRow is the band of the empty prefix: query prefixes of length j
// are j away.
func (w *trieWalk) firstRow() [5]uint8 { return w.step([5]uint8{}, 0, 0) }

// step is the band of depth d from the band above it, for a path whose
// last rune is r. Cell t is query prefix j = d+t-2; the band above holds
// j-1 in cell t and j in cell t+1.
func (w *trieWalk) step(above [5]uint8, r rune, d int) [5]uint8 {
	var row [5]uint8
	for t := range row {
		j := d + t - 2
		switch {
		case j < 0 || j > len(w.q):
			row[t] = farther
		case d == 0:
			row[t] = min(uint8(j), farther)
		default:
			row[t] = w.cell(above, row, t, j, r)
		}
	}
	return row
}

// cell is one entry of the table: the cheapest of dropping the path's
// rune, adding the query's rune j-1, or pairing the two.
func (w *trieWalk) cell(above, row [5]uint8, t, j int, r rune) uint8 {
	v := uint8(farther)
	if t < 4 {
		v = min(v, above[t+1]+1)
	}
	if t > 0 {
		v = min(v, row[t-1]+1)
	}
	if j > 0 {
		pair := above[t]
		if w.q[j-1] != r {
			pair++
		}
		v = min(v, pair)
	}
	return v
}

// consider weighs the names that end at n, at depth d: a nearer name
// wins, and an earlier one on a tie.
func (w *trieWalk) consider(n *trieNode, d int) {
	t := len(w.q) - d + 2
	if n.ends[0] < 0 || t < 0 || t > 4 {
		return
	}
	dist := w.rows[d][t]
	for _, pos := range n.ends {
		if pos < 0 || dist > w.bestDist || (dist == w.bestDist && pos > w.best) {
			return
		}
		if w.skip == "" || w.x.names[pos] != w.skip {
			w.best, w.bestDist = pos, dist
			return
		}
	}
}
