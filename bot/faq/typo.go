package faq

// Typo tolerance: a query word missing from the vocabulary is replaced by the
// closest vocabulary word (optimal string alignment distance, found through a
// character-trigram index) when that word is close enough for its length.

const maxTypoLen = 30

func trigramKey(a, b, c byte) uint32 { return uint32(a)<<16 | uint32(b)<<8 | uint32(c) }

// eachTrigram calls f for the trigrams of "^w$".
func eachTrigram(w string, f func(uint32)) {
	n := len(w) + 2
	at := func(i int) byte {
		switch i {
		case 0:
			return '^'
		case n - 1:
			return '$'
		}
		return w[i-1]
	}
	for i := 0; i+2 < n; i++ {
		f(trigramKey(at(i), at(i+1), at(i+2)))
	}
}

func (ix *index) buildGrams() {
	ix.grams = make(map[uint32][]int32)
	for id, t := range ix.terms {
		if len(t) < 3 || len(t) > maxTypoLen || isNumber(t) {
			continue
		}
		eachTrigram(t, func(g uint32) { ix.grams[g] = append(ix.grams[g], int32(id)) })
	}
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// typoBudget is the edit distance tolerated for a word of length n. Short
// words are left alone: one edit turns most 4-letter Vietnamese syllables or
// English words into another real word ("bong"→"cong", "shop"→"hop"),
// which made out-of-scope questions look answerable.
func typoBudget(n int) int {
	switch {
	case n < 3:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// correct returns the vocabulary term closest to w, or -1.
func (ix *index) correct(w string, sc *scratch) (int32, int) {
	budget := typoBudget(len(w))
	if budget == 0 || len(w) > maxTypoLen || isNumber(w) {
		return -1, 0
	}
	sc.gtouched = sc.gtouched[:0]
	eachTrigram(w, func(g uint32) {
		for _, id := range ix.grams[g] {
			if sc.gcount[id] == 0 {
				sc.gtouched = append(sc.gtouched, id)
			}
			sc.gcount[id]++
		}
	})
	best, bestDist := int32(-1), budget+1
	for _, id := range sc.gtouched {
		shared := int(sc.gcount[id])
		sc.gcount[id] = 0
		t := ix.terms[id]
		// Each edit destroys at most 3 trigrams of the longer word, a
		// transposition ("vnied" for "vneid") up to 4.
		if shared < len(w)+2-2-4*budget || absInt(len(t)-len(w)) > budget {
			continue
		}
		if len(w) < shortWord && !plausibleShortTypo(w, t) {
			continue
		}
		d := osaDistance(w, t, budget)
		if d < bestDist || d == bestDist && best >= 0 && ix.df[id] > ix.df[best] {
			best, bestDist = id, d
		}
	}
	if best < 0 {
		return -1, 0
	}
	return best, bestDist
}

// shortWord is the length below which only a dropped letter or swapped
// neighbours count as typos: a substituted letter in a 3- or 4-letter word
// usually spells another real word ("bong"→"cong", "shop"→"hop").
const shortWord = 5

func plausibleShortTypo(w, t string) bool {
	switch len(t) - len(w) {
	case 1:
		return true
	case 0:
		for i := 0; i+1 < len(w); i++ {
			if w[i] != t[i] {
				return w[i] == t[i+1] && w[i+1] == t[i] && w[i+2:] == t[i+2:]
			}
		}
	}
	return false
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osaDistance is the optimal-string-alignment distance (Levenshtein plus
// adjacent transposition), giving up with limit+1 once it exceeds limit.
// Three rolling rows on the stack keep it allocation-free.
func osaDistance(a, b string, limit int) int {
	if len(a) > maxTypoLen || len(b) > maxTypoLen {
		return limit + 1
	}
	var rows [3][maxTypoLen + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
