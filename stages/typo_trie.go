package stages

// newNameIndex indexes names, whose order decides ties.
func newNameIndex(names []string) *nameIndex {
	x := &nameIndex{exact: map[string]int{}, nodes: []trieNode{{ends: noEnds, minLen: 1<<31 - 1}}}
	b := &trieBuilder{x: x, edges: map[trieEdge]int32{}, prev: []int32{0}, last: []int32{0}}
	for _, name := range names {
		if _, dup := x.exact[name]; dup {
			continue // a later copy of a name never wins a tie
		}
		x.exact[name] = len(x.names)
		x.names = append(x.names, name)
		x.spelt = append(x.spelt, []rune(name))
		b.insert(int32(len(x.names) - 1))
	}
	x.budget = searchFloor
	for _, r := range x.spelt {
		x.budget += searchPerRune * len(r)
	}
	return x
}

var noEnds = [2]int32{-1, -1}

// trieBuilder finds a child by the first rune of its label, and keeps each
// node's previous sibling and last child so that a split node keeps its
// place among its siblings.
type trieBuilder struct {
	x          *nameIndex
	edges      map[trieEdge]int32
	prev, last []int32 // by node
}

type trieEdge struct {
	parent int32
	r      rune
}

// insert adds the name at position pos.
func (b *trieBuilder) insert(pos int32) {
	x := b.x
	runes := x.spelt[pos]
	length := int32(len(runes))
	node := int32(0)
	x.nodes[0].widen(length)
	for at := int32(0); at < length; {
		c, ok := b.edges[trieEdge{node, runes[at]}]
		if !ok {
			c = b.add(node, trieNode{name: pos, from: at, to: length, first: pos, minLen: length, maxLen: length, ends: noEnds})
		}
		shared := commonPrefix(x.label(&x.nodes[c]), runes[at:])
		if shared < x.nodes[c].to-x.nodes[c].from {
			c = b.split(node, c, shared)
		}
		node, at = c, at+shared
		x.nodes[node].widen(length)
	}
	x.nodes[node].addEnd(pos)
}

func commonPrefix(a, b []rune) int32 {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return int32(n)
}

// add appends n to parent's children, which stay in the order of their
// first names.
func (b *trieBuilder) add(parent int32, n trieNode) int32 {
	x := b.x
	id := int32(len(x.nodes))
	x.nodes = append(x.nodes, n)
	b.prev, b.last = append(b.prev, b.last[parent]), append(b.last, 0)
	if b.last[parent] == 0 {
		x.nodes[parent].child = id
	} else {
		x.nodes[b.last[parent]].next = id
	}
	b.last[parent] = id
	b.edges[trieEdge{parent, x.label(&n)[0]}] = id
	return id
}

// split puts a new node for the first k runes of c's label between parent
// and c, in c's place among its siblings, and returns it.
func (b *trieBuilder) split(parent, c, k int32) int32 {
	x := b.x
	old := x.nodes[c]
	id := int32(len(x.nodes))
	x.nodes = append(x.nodes, trieNode{name: old.name, from: old.from, to: old.from + k, child: c, next: old.next,
		first: old.first, minLen: old.minLen, maxLen: old.maxLen, ends: noEnds})
	b.prev, b.last = append(b.prev, b.prev[c]), append(b.last, c)
	if b.prev[c] == 0 {
		x.nodes[parent].child = id
	} else {
		x.nodes[b.prev[c]].next = id
	}
	if old.next == 0 {
		b.last[parent] = id
	} else {
		b.prev[old.next] = id
	}
	x.nodes[c].from += k
	x.nodes[c].next, b.prev[c] = 0, 0
	b.edges[trieEdge{parent, x.spelt[old.name][old.from]}] = id
	b.edges[trieEdge{id, x.spelt[old.name][old.from+k]}] = c
	return id
}

func (n *trieNode) widen(length int32) {
	n.minLen = min(n.minLen, length)
	n.maxLen = max(n.maxLen, length)
}

func (n *trieNode) addEnd(pos int32) {
	switch {
	case n.ends[0] < 0:
		n.ends[0] = pos
	case n.ends[1] < 0:
		n.ends[1] = pos
	}
}
