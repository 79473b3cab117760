package faq

// scratch holds the per-call working memory of a search. It is pooled per
// index so that answering a question allocates next to nothing.
type scratch struct {
	toks     []string
	q        []qterm
	score    []float32
	cov      []float32
	supp     []float32 // per entry: query mass matched on non-generic terms
	touched  []int32
	gcount   []uint16 // per term id: trigrams shared with the word being corrected
	gtouched []int32
	dot      []float32 // per question: dot product with the query
	qtouched []int32
	best     []float32 // per entry: best question cosine
	keys     []uint64  // the question's classifier features
	prob     []float32 // per entry, then the none class (noneShare): the classifier's probability
}

// qterm is one distinct query term and its weight (lower for typo fixes).
type qterm struct {
	id  int32
	w   float32
	uni bool
}

func newScratch(docs, terms, questions int) any {
	return &scratch{
		toks:    make([]string, 0, 32),
		q:       make([]qterm, 0, 64),
		score:   make([]float32, docs),
		cov:     make([]float32, docs),
		supp:    make([]float32, docs),
		touched: make([]int32, 0, docs),
		gcount:  make([]uint16, terms),
		dot:     make([]float32, questions),
		best:    make([]float32, docs),
		keys:    make([]uint64, 0, 64),
		prob:    make([]float32, docs+1),
	}
}

// reset clears only the documents the last search touched.
func (sc *scratch) reset() {
	for _, d := range sc.touched {
		sc.score[d], sc.cov[d], sc.best[d], sc.supp[d] = 0, 0, 0, 0
	}
	sc.touched = sc.touched[:0]
	for _, q := range sc.qtouched {
		sc.dot[q] = 0
	}
	sc.qtouched = sc.qtouched[:0]
}
