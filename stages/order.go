package stages

// checkOrder rejects self references, cycles and forward references, in
// that order: a cycle always contains a forward edge, and naming the whole
// cycle is the more useful message.
func checkOrder(g *Graph) error {
	for _, e := range g.Edges {
		if e.To == e.From && e.Kind != EdgeFrom {
			return selfReference(e)
		}
	}
	if root, cycle := findCycle(g); cycle != nil {
		return cycleError(root, cycle)
	}
	for _, e := range g.Edges {
		if e.To.IsStage() && e.To.Index > e.From.Index {
			return forwardReference(e)
		}
	}
	return nil
}

// findCycle returns the edges of one cycle among stages, or nil, and the
// stage its search started from. It is an iterative depth-first search:
// each node and edge is visited once.
func findCycle(g *Graph) (*Node, []*Edge) {
	const (
		unvisited = iota
		onPath
		done
	)
	state := make([]int, len(g.Stages))
	type frame struct {
		node *Node
		next int // index into node.Deps
		via  *Edge
	}
	for _, root := range g.Stages {
		if state[root.Index] != unvisited {
			continue
		}
		stack := []frame{{node: root}}
		state[root.Index] = onPath
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(top.node.Deps) {
				state[top.node.Index] = done
				stack = stack[:len(stack)-1]
				continue
			}
			e := top.node.Deps[top.next]
			top.next++
			if !e.To.IsStage() {
				continue
			}
			switch state[e.To.Index] {
			case onPath:
				path := make([]*Edge, 0, len(stack))
				start := 0
				for i, f := range stack {
					if f.node == e.To {
						start = i
					}
					path = append(path, f.via)
				}
				return root, append(path[start+1:], e)
			case unvisited:
				state[e.To.Index] = onPath
				stack = append(stack, frame{node: e.To, via: e})
			}
		}
	}
	return nil, nil
}

// markReachable walks from the targets (or every stage) and fills Order and the reachable set.
func markReachable(g *Graph) {
	g.reachable, g.Order = map[*Node]bool{}, nil
	queue := append([]*Node(nil), g.roots()...)
	for _, r := range queue {
		g.reachable[r] = true
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, e := range n.Deps {
			if !g.reachable[e.To] {
				g.reachable[e.To] = true
				if e.To.IsStage() {
					queue = append(queue, e.To)
				}
			}
		}
	}
	// Every edge now points to an earlier stage, so file order is a valid
	// dependency order.
	for _, s := range g.Stages {
		if g.reachable[s] {
			g.Order = append(g.Order, s)
		}
	}
}
