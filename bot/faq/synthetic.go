package faq

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Synthetic returns a copy of kb grown to n entries for latency benchmarks.
// New entries recombine the real phrasings (half of one question joined to
// half of another, plus words drawn from the real vocabulary), so term
// frequencies and posting-list lengths look like a larger real KB. It is
// deterministic: the same input gives the same KB. The examples (and the
// questions outside the KB) stay, so the engine trains its classifier over
// all n entries as it would for a real KB of that size.
func Synthetic(kb *KB, n int) *KB {
	out := &KB{Lang: kb.Lang, Topics: kb.Topics, Examples: kb.Examples, Outside: kb.Outside}
	out.Entries = append(out.Entries, kb.Entries...)
	if len(kb.Entries) == 0 {
		return out
	}
	words := vocabulary(kb)
	rng := rand.New(rand.NewPCG(uint64(n), 0x10a))
	for i := len(out.Entries); i < n; i++ {
		a := kb.Entries[rng.IntN(len(kb.Entries))]
		b := kb.Entries[rng.IntN(len(kb.Entries))]
		e := Entry{
			ID:     fmt.Sprintf("syn-%04d", i),
			Topic:  a.Topic,
			Answer: a.Answer,
			Source: a.Source,
		}
		for j, q := range a.Questions {
			other := b.Questions[j%len(b.Questions)]
			e.Questions = append(e.Questions, splice(q, other, words, rng))
		}
		out.Entries = append(out.Entries, e)
	}
	return out
}

func vocabulary(kb *KB) []string {
	seen := map[string]bool{}
	var words []string
	for _, e := range kb.Entries {
		for _, q := range e.Questions {
			for _, w := range strings.Fields(q) {
				if !seen[w] {
					seen[w] = true
					words = append(words, w)
				}
			}
		}
	}
	return words
}

func splice(a, b string, words []string, rng *rand.Rand) string {
	fa, fb := strings.Fields(a), strings.Fields(b)
	parts := append([]string{}, fa[:(len(fa)+1)/2]...)
	parts = append(parts, fb[len(fb)/2:]...)
	for k := 0; k < 2; k++ {
		parts = append(parts, words[rng.IntN(len(words))])
	}
	return strings.Join(parts, " ")
}
