package faq

import (
	"math"
	"strings"
	"sync"
)

// BM25 parameters; k1 is low because FAQ documents are short and a repeated
// word in the phrasings should not dominate.
const (
	bm25K1 = 1.2
	bm25B  = 0.6
)

// Field weights: residents' phrasings describe an entry best; the answer and
// topic title add recall for words nobody thought to put in a question.
const (
	weightQuestion = 1.0
	weightTopic    = 0.5
	weightAnswer   = 0.35
)

// posting is one (term, entry) pair with its BM25 contribution precomputed.
type posting struct {
	doc  int32
	bm25 float32
	// presence in [0,1]: 1 if the term occurs in a question, less if only in
	// the answer; used for the coverage part of the confidence.
	presence float32
}

// index is the immutable search structure for one language.
type index struct {
	lang    string
	an      *analyzer
	entries []*Entry
	byID    map[string]*Entry
	docOf   map[string]int32 // entry id → its index in entries
	byTopic map[string][]*Entry
	topics  []Topic

	vocab  map[string]int32 // unigram → term id
	bigram map[uint64]int32 // pair of unigram ids → term id
	idf    []float32        // per term id
	post   [][]posting      // per term id
	df     []int32          // per term id, for typo tie-breaks
	terms  []string         // term id → unigram string ("" for bigrams)
	maxIDF float32
	// generic: per term id, a word every part of the KB uses (see
	// genericShare); it ranks entries but cannot alone support an answer.
	generic []bool
	grams   map[uint32][]int32 // char trigram → unigram ids
	pool    sync.Pool          // *scratch

	// Question-level vectors: each phrasing is also a document of its own,
	// so that a query close to one phrasing beats an entry that merely
	// mentions the same words somewhere in its answer.
	qpost  [][]qposting // per term id
	qdoc   []int32      // question → entry index
	qnorm  []float32    // question → vector norm
	qyear  []int32      // question → term id of the year it names, or -1
	qhist  []bool       // question asks for a topic's history ("over the years")
	qscope []scope      // question names Hanoi or the nation (see scopeOf)
	// docNums: per entry, the numbers of the documents it names
	// ("Nghị quyết 18", "Quyết định 4098"; see docNumbers)
	docNums [][]string
	// clf ranks the candidates by what labelled questions taught it (nil
	// when the KB came with no examples; see clf.go)
	clf *classifier
}

// qposting is a (term, question) pair with the term's weight in the question.
type qposting struct {
	q int32
	w float32
}

// docBuilder accumulates weighted term frequencies of one entry.
type docBuilder struct {
	tf     map[int32]float32
	length float32
}

func newIndex(kb *KB) *index {
	ix := &index{
		lang:    kb.Lang,
		an:      newAnalyzer(kb.Lang),
		byID:    make(map[string]*Entry, len(kb.Entries)),
		docOf:   make(map[string]int32, len(kb.Entries)),
		byTopic: make(map[string][]*Entry),
		topics:  kb.Topics,
		vocab:   make(map[string]int32),
		bigram:  make(map[uint64]int32),
	}
	titles := make(map[string]string, len(kb.Topics))
	for _, t := range kb.Topics {
		titles[t.ID] = t.Title
	}
	docs := make([]docBuilder, len(kb.Entries))
	for i := range kb.Entries {
		e := &kb.Entries[i]
		ix.entries = append(ix.entries, e)
		ix.byID[e.ID] = e
		ix.docOf[e.ID] = int32(i)
		ix.byTopic[e.Topic] = append(ix.byTopic[e.Topic], e)
		docs[i] = ix.buildDoc(e, titles[e.Topic])
		ix.docNums = append(ix.docNums, entryDocNumbers(e))
	}
	ix.finish(docs)
	ix.buildQuestions()
	ix.buildGrams()
	ix.pool.New = func() any { return newScratch(len(ix.entries), len(ix.terms), len(ix.qdoc)) }
	return ix
}

func (ix *index) buildDoc(e *Entry, title string) docBuilder {
	d := docBuilder{tf: make(map[int32]float32)}
	var toks []string
	for _, q := range e.Questions {
		toks = ix.addText(&d, toks, q, weightQuestion)
	}
	toks = ix.addText(&d, toks, title, weightTopic)
	ix.addText(&d, toks, e.Answer, weightAnswer)
	return d
}

// addText indexes one text of an entry at weight w: its unigrams and the
// bigrams of adjacent kept words.
func (ix *index) addText(d *docBuilder, toks []string, text string, w float32) []string {
	toks = ix.an.tokens(toks[:0], Fold(text))
	prev := int32(-1)
	for _, t := range toks {
		id := ix.termID(t)
		d.tf[id] += w
		d.length += w
		if prev >= 0 {
			d.tf[ix.bigramID(prev, id)] += w
		}
		prev = id
	}
	return toks
}

func (ix *index) termID(t string) int32 {
	if id, ok := ix.vocab[t]; ok {
		return id
	}
	id := int32(len(ix.idf))
	ix.vocab[t] = id
	ix.idf = append(ix.idf, 0)
	ix.terms = append(ix.terms, t)
	return id
}

func (ix *index) bigramID(a, b int32) int32 {
	key := uint64(a)<<32 | uint64(uint32(b))
	if id, ok := ix.bigram[key]; ok {
		return id
	}
	id := int32(len(ix.idf))
	ix.bigram[key] = id
	ix.idf = append(ix.idf, 0)
	ix.terms = append(ix.terms, "")
	return id
}

// finish turns term frequencies into postings with BM25 weights baked in.
func (ix *index) finish(docs []docBuilder) {
	n := float64(len(docs))
	var total float64
	df := make([]int32, len(ix.idf))
	for _, d := range docs {
		total += float64(d.length)
		for t := range d.tf {
			df[t]++
		}
	}
	avg := total / math.Max(n, 1)
	ix.post = make([][]posting, len(ix.idf))
	for t := range ix.idf {
		idf := math.Log(1 + (n-float64(df[t])+0.5)/(float64(df[t])+0.5))
		ix.idf[t] = float32(idf)
		ix.maxIDF = max(ix.maxIDF, float32(idf))
	}
	for i, d := range docs {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(d.length)/avg)
		for t, tf := range d.tf {
			sat := float64(tf) * (bm25K1 + 1) / (float64(tf) + norm)
			ix.post[t] = append(ix.post[t], posting{
				doc:      int32(i),
				bm25:     float32(float64(ix.idf[t]) * sat),
				presence: min(1, tf/weightQuestion),
			})
		}
	}
	ix.df = df
	ix.markGeneric()
}

// genericShare: a term found in more than this share of the KB's topics
// ("số", "năm", "thứ", "nhất", "bao nhiêu") names no subject of its own.
// "Thủ đô của Nhật là gì?" reached the DTI entry on "thứ nhất" alone.
const genericShare = 0.5

// markGeneric fills ix.generic from the topics each term occurs in.
func (ix *index) markGeneric() {
	ix.generic = make([]bool, len(ix.idf))
	topics := map[string]bool{}
	for _, e := range ix.entries {
		topics[e.Topic] = true
	}
	limit := int(genericShare * float64(len(topics)))
	seen := map[string]bool{}
	for t, ps := range ix.post {
		clear(seen)
		for _, p := range ps {
			seen[ix.entries[p.doc].Topic] = true
		}
		ix.generic[t] = len(seen) > limit || intentWords[ix.terms[t]]
	}
}

// buildQuestions indexes every phrasing as an idf-weighted binary vector of
// its unigrams and bigrams (bigrams scaled by weightBigram).
func (ix *index) buildQuestions() {
	ix.qpost = make([][]qposting, len(ix.idf))
	var toks []string
	seen := map[int32]bool{}
	for d, e := range ix.entries {
		for _, text := range e.Questions {
			qid := int32(len(ix.qdoc))
			ix.qdoc = append(ix.qdoc, int32(d))
			clear(seen)
			var norm float64
			add := func(t int32, w float32) {
				if t < 0 || seen[t] {
					return
				}
				seen[t] = true
				ix.qpost[t] = append(ix.qpost[t], qposting{q: qid, w: w})
				norm += float64(w) * float64(w)
			}
			toks = ix.an.tokens(toks[:0], Fold(text))
			prev := int32(-1)
			ix.qyear = append(ix.qyear, -1)
			ix.qhist = append(ix.qhist, false)
			ix.qscope = append(ix.qscope, scopeOf(Fold(text)))
			for _, tok := range toks {
				if tok == "_hist" {
					ix.qhist[qid] = true
				}
				id := ix.vocab[tok] // every question word was indexed by addText
				if isYear(tok) && ix.qyear[qid] < 0 {
					ix.qyear[qid] = id
				}
				add(id, ix.idf[id])
				if b, ok := ix.bigram[uint64(prev)<<32|uint64(uint32(id))]; ok && prev >= 0 {
					add(b, ix.idf[b]*weightBigram)
				}
				prev = id
			}
			ix.qnorm = append(ix.qnorm, float32(math.Sqrt(norm)))
		}
	}
}

// isYear reports a token that names a year (1990–2099).
func isYear(t string) bool {
	if len(t) != 4 || !(t[:2] == "19" && t[2] >= '9' || t[:2] == "20") {
		return false
	}
	return t[2] >= '0' && t[2] <= '9' && t[3] >= '0' && t[3] <= '9'
}

// docWords are the folded words a document's number follows: nghị quyết,
// quyết định, nghị định, kế hoạch, luật, công văn, thông tư and their
// abbreviations, and the English names.
var docWords = set("quyet", "dinh", "hoach", "luat", "van", "tu", "nq", "qd", "nd", "kh", "cv", "tt",
	"resolution", "decision", "decree", "plan", "law", "dispatch", "circular", "no")

// docNumbers appends to dst the numbers that follow a document word in
// folded text ("nghi quyet 57 ban hanh" → "57"); a year is no document's
// number ("luật năm 2023").
func docNumbers(dst []string, folded string) []string {
	prev := ""
	for rest := folded; rest != ""; {
		var w string
		w, rest = nextWord(rest)
		if docWords[prev] && isNumber(w) && !isYear(w) {
			dst = append(dst, w)
		}
		prev = w
	}
	return dst
}

func entryDocNumbers(e *Entry) []string {
	var out []string
	for _, q := range e.Questions {
		out = docNumbers(out, Fold(q))
	}
	return docNumbers(out, Fold(e.Answer))
}

// scope is whether a text names Hà Nội, the nation, both or neither.
type scope uint8

const (
	scopeNone   scope = 0
	scopeHanoi  scope = 1
	scopeNation scope = 2
)

// scopeWords are the folded words, and pairs of words, that name Hà Nội
// or the nation.
var scopeWords = map[string]scope{
	"hanoi": scopeHanoi, "hn": scopeHanoi, "city": scopeHanoi, "capital": scopeHanoi,
	"ha noi": scopeHanoi, "thanh pho": scopeHanoi, "thu do": scopeHanoi,
	"national": scopeNation, "nationwide": scopeNation, "nation": scopeNation,
	"quoc gia": scopeNation, "ca nuoc": scopeNation, "toan quoc": scopeNation,
}

// scopeOf says which of Hà Nội and the nation folded names. It allocates
// nothing: a pair is looked up as a substring of folded.
func scopeOf(folded string) scope {
	var s scope
	start, prevStart := 0, -1
	for start < len(folded) {
		end := strings.IndexByte(folded[start:], ' ')
		if end < 0 {
			end = len(folded)
		} else {
			end += start
		}
		s |= scopeWords[folded[start:end]]
		if prevStart >= 0 {
			s |= scopeWords[folded[prevStart:end]]
		}
		prevStart, start = start, end+1
	}
	return s
}

// otherScope reports a phrasing about Hà Nội (or the nation's)
// for a question that names only the other: "Cổng dịch vụ công quốc gia
// địa chỉ là gì" is not the city portal's address.
func otherScope(q, phrasing scope) bool {
	return q == scopeNation && phrasing == scopeHanoi || q == scopeHanoi && phrasing == scopeNation
}
