package stages

// NameIndex answers what BuildKit's suggest.Search(query, names, true)
// answers, the nearest name within edit distance 2, from an index built
// once, within a work budget proportional to the names and the queries:
// past it, no suggestion (see nameIndex). It serves suggestions asked many
// times of one list, such as UndefinedVar's over a stage's environment.
type NameIndex struct{ x *nameIndex }

// NewNameIndex indexes names; their order decides ties, as in
// suggest.Search.
func NewNameIndex(names []string) *NameIndex { return &NameIndex{x: newNameIndex(names)} }

// Search is the suggestion for query, "" for none (or an exact match).
func (n *NameIndex) Search(query string) string { return n.x.search(query, "") }
