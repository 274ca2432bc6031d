package stages

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/util/suggest"
)

// searchReference is what nameIndex.search must answer: suggest.Search
// over the names other than skip, as typoFinder asked it.
func searchReference(query string, names []string, skip string) string {
	kept := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return skip != "" && n == skip })
	s, _ := suggest.Search(query, kept, true)
	return s
}

func TestNameIndexSearch(t *testing.T) {
	for _, c := range []struct {
		name  string
		names []string
		query string
		skip  string
		want  string
	}{
		{name: "one substitution", names: []string{"build", "test"}, query: "biuld", want: "build"},
		{name: "distance 3 is too far", names: []string{"build"}, query: "bxxxd", want: ""},
		{name: "distance 2", names: []string{"build"}, query: "bxxld", want: "build"},
		{name: "nearer wins over earlier", names: []string{"abcd", "abce"}, query: "abcf", want: "abcd"},
		{name: "nearest wins", names: []string{"abxx", "abcx"}, query: "abcd", want: "abcx"},
		{name: "first wins a tie", names: []string{"ab", "ba", "aa"}, query: "bb", want: "ab"},
		{name: "an exact match anywhere means none", names: []string{"buld", "build"}, query: "build", want: ""},
		{name: "the skipped name does not match exactly", names: []string{"build", "bild"}, query: "build", skip: "build", want: "bild"},
		{name: "the skipped name is not suggested", names: []string{"node", "nodf"}, query: "nodes", skip: "node", want: "nodf"},
		{name: "every copy of the skipped name goes", names: []string{"node", "node"}, query: "nodes", skip: "node", want: ""},
		{name: "a later copy does not win a tie", names: []string{"ax", "ay", "ax"}, query: "az", want: "ax"},
		{name: "length differs by 2", names: []string{"build"}, query: "buildxx", want: "build"},
		{name: "length differs by 3", names: []string{"build"}, query: "buildxxx", want: ""},
		{name: "shorter query", names: []string{"release"}, query: "relase", want: "release"},
		{name: "case counts", names: []string{"build"}, query: "BUILD", want: ""},
		{name: "runes, not bytes", names: []string{"café"}, query: "cafe", want: "café"},
		{name: "invalid UTF-8 reads as U+FFFD", names: []string{"a\uFFFD"}, query: "a\xff", want: "a\uFFFD"},
		{name: "two spellings of the same runes", names: []string{"a\xfe", "a\xfd"}, query: "a\xff", skip: "a\xfe", want: "a\xfd"},
		{name: "empty query", names: []string{"ab", "abc"}, query: "", want: "ab"},
		{name: "an empty name wins and reads as none", names: []string{"", "x"}, query: "y", want: ""},
		{name: "an empty query matches an empty name exactly", names: []string{"a", ""}, query: "", want: ""},
		{name: "no names", query: "x", want: ""},
		{name: "long names, far apart in length", names: []string{strings.Repeat("x", 600)}, query: strings.Repeat("x", 200), want: ""},
		{name: "long names, near", names: []string{strings.Repeat("x", 300) + "ab" + strings.Repeat("y", 300)},
			query: strings.Repeat("x", 300) + "ba" + strings.Repeat("y", 300), want: strings.Repeat("x", 300) + "ab" + strings.Repeat("y", 300)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if ref := searchReference(c.query, c.names, c.skip); ref != c.want {
				t.Fatalf("the table disagrees with suggest.Search: %q, want %q", ref, c.want)
			}
			if got := newNameIndex(c.names).search(c.query, c.skip); got != c.want {
				t.Errorf("search(%q) = %q, want %q", c.query, got, c.want)
			}
		})
	}
}

// TestNameIndexMatchesSuggest compares the index with suggest.Search on
// random short names over a small alphabet, so that ties, near misses,
// repeated names and runes of several bytes all come up. Half the queries
// are a name with up to three random edits.
func TestNameIndexMatchesSuggest(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	alphabet := []rune{'a', 'b', 'c', 'é', utf8.RuneError}
	word := func(max int) []rune {
		w := make([]rune, rng.Intn(max+1))
		for i := range w {
			w[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return w
	}
	edit := func(w []rune) []rune {
		for range rng.Intn(4) {
			i := rng.Intn(len(w) + 1)
			switch r := alphabet[rng.Intn(len(alphabet))]; {
			case rng.Intn(3) == 0 || i == len(w):
				w = slices.Insert(w, i, r)
			case rng.Intn(2) == 0:
				w = slices.Delete(w, i, i+1)
			default:
				w[i] = r
			}
		}
		return w
	}
	for round := range 3000 {
		names := make([]string, rng.Intn(30))
		for i := range names {
			names[i] = string(word(2 + rng.Intn(9)))
		}
		if len(names) > 0 && rng.Intn(4) == 0 {
			names[rng.Intn(len(names))] = "a\xff" // invalid UTF-8, read as U+FFFD
		}
		x := newNameIndex(names)
		for range 20 {
			query, skip := string(word(8)), ""
			if len(names) > 0 && rng.Intn(2) == 0 {
				query = string(edit([]rune(names[rng.Intn(len(names))])))
			}
			if len(names) > 0 && rng.Intn(3) == 0 {
				skip = names[rng.Intn(len(names))]
			}
			if got, want := x.search(query, skip), searchReference(query, names, skip); got != want {
				t.Fatalf("round %d: names %q, search(%q, skip %q) = %q, suggest.Search says %q", round, names, query, skip, got, want)
			}
		}
	}
}

// TestNameIndexWorkIsBounded: names built so that every query walks most
// of the trie run out of budget and get no suggestion, while a chain of
// numbered stages stays far within it and answers as suggest.Search does.
func TestNameIndexWorkIsBounded(t *testing.T) {
	tail := strings.Repeat("z", 100)
	var hostile []string
	for i := range 1000 {
		// A distinct pair of runes, then the same text for all.
		hostile = append(hostile, fmt.Sprintf("%c%c", 'A'+rune(i%40), 0x400+rune(i/40))+tail+"xyz")
	}
	x := newNameIndex(hostile)
	limit := searchFloor
	for _, n := range hostile {
		limit += searchPerRune * utf8.RuneCountInString(n)
	}
	for i := range 1000 {
		q := fmt.Sprintf("q%d", i%10) + tail + "qrs"
		limit += searchPerRune * (len(q) + 1)
		x.search(q, "")
	}
	if x.spent > limit+1 {
		t.Errorf("hostile names: %d rune steps, more than the budget of %d", x.spent, limit)
	}
	if !x.exhausted {
		t.Errorf("hostile names: %d rune steps left the budget unspent; the case no longer tests it", x.spent)
	}

	var chain []string
	for i := range 50000 {
		chain = append(chain, fmt.Sprintf("s%d", i))
	}
	x = newNameIndex(chain)
	for i := range 50000 {
		if s := x.search(fmt.Sprintf("img%d", i), ""); s != "" {
			t.Fatalf("img%d: suggested %q", i, s)
		}
	}
	for _, q := range []string{"s12345x", "x12345", "s1234", "sx", "t49999", "s500000", "s5000000"} {
		if got, want := x.search(q, ""), searchReference(q, chain, ""); got != want {
			t.Errorf("chain: search(%q) = %q, suggest.Search says %q", q, got, want)
		}
	}
	if x.exhausted || 5*x.spent > x.spent+x.budget {
		t.Errorf("a chain of numbered stages spent %d rune steps, more than a fifth of the budget (%d left)", x.spent, x.budget)
	}
}
