package faq

// Decision thresholds on the blended score (0..1, see search.go) and on its
// margin over the runner-up. Calibrated per language on faq/eval.yaml: the
// Vietnamese score also charges word pairs the KB never uses (see
// weightUnseenPair), which lowers it for in-scope and out-of-scope questions
// alike, so its accept line sits lower. eval_test.go keeps the targets.
type thresholds struct {
	accept  float32 // at or above: answer outright, if the margin allows
	sure    float32 // at or above: answer even when the runner-up is close
	suggest float32 // at or above: offer "did you mean" suggestions
}

var langThresholds = map[string]thresholds{
	"vi": {accept: 0.44, sure: 0.65, suggest: 0.30},
	"en": {accept: 0.52, sure: 0.65, suggest: 0.33},
}

const (
	minMargin  = 0.02 // best minus runner-up needed below the sure line
	maxSuggest = 3
	maxRelated = 3
)

// Result is the engine's answer to one question.
type Result struct {
	Entry       *Entry   // set on a confident match
	Score       float64  // confidence of the best candidate, 0..1
	Fallback    bool     // out of scope: nothing close enough
	Suggestions []*Entry // near match: top "did you mean" entries
	Related     []*Entry // on a confident match: up to 3 related entries
	Lang        string   // language of the answer (the question's language)
}

// Engine answers questions from the knowledge bases. It is immutable after
// NewEngine and safe for concurrent use.
type Engine struct {
	idx map[string]*index
	def string
}

// NewEngine precomputes the indexes of every language in kbs.
func NewEngine(kbs map[string]*KB) *Engine {
	e := &Engine{idx: make(map[string]*index, len(kbs))}
	for lang, kb := range kbs {
		if kb == nil {
			continue
		}
		k := *kb
		k.Lang = lang
		e.idx[lang] = newIndex(&k)
	}
	for _, l := range Languages {
		if e.idx[l] != nil {
			e.def = l
			break
		}
	}
	return e
}

// Answer matches question and answers in the question's own language, which
// may differ from lang (the user's interface language).
func (e *Engine) Answer(lang, question string) Result {
	folded := Fold(question)
	lang = e.detect(lang, question, folded)
	ix := e.idx[lang]
	res := Result{Lang: lang, Fallback: true}
	if ix == nil || folded == "" {
		return res
	}
	sc := ix.pool.Get().(*scratch)
	var top [4]hit
	n := ix.search(sc, folded, &top)
	ix.pool.Put(sc)
	if n == 0 {
		return res
	}
	return ix.decide(res, top[:n])
}

func (ix *index) decide(res Result, top []hit) Result {
	th, ok := langThresholds[ix.lang]
	if !ok {
		th = langThresholds["en"]
	}
	best := top[0]
	res.Score = float64(best.score)
	clearLead := len(top) == 1 || best.score-top[1].score >= minMargin
	if best.score >= th.sure || best.score >= th.accept && clearLead {
		res.Fallback = false
		res.Entry = ix.entries[best.doc]
		res.Related = ix.related(res.Entry)
		return res
	}
	if best.score < th.suggest {
		return res
	}
	res.Fallback = false
	for _, h := range top[:min(len(top), maxSuggest)] {
		if h.score >= th.suggest {
			res.Suggestions = append(res.Suggestions, ix.entries[h.doc])
		}
	}
	return res
}

func (ix *index) related(en *Entry) []*Entry {
	var out []*Entry
	for _, id := range en.Related {
		if r := ix.byID[id]; r != nil && len(out) < maxRelated {
			out = append(out, r)
		}
	}
	return out
}

// Entry returns the entry id in lang (or the default language), or nil.
func (e *Engine) Entry(lang, id string) *Entry {
	if ix := e.index(lang); ix != nil {
		return ix.byID[id]
	}
	return nil
}

// Topics returns the topic menu of lang.
func (e *Engine) Topics(lang string) []Topic {
	if ix := e.index(lang); ix != nil {
		return ix.topics
	}
	return nil
}

// ByTopic returns the entries of one topic in KB order.
func (e *Engine) ByTopic(lang, topic string) []*Entry {
	if ix := e.index(lang); ix != nil {
		return ix.byTopic[topic]
	}
	return nil
}

func (e *Engine) index(lang string) *index {
	if ix := e.idx[lang]; ix != nil {
		return ix
	}
	return e.idx[e.def]
}

// detect picks the language to answer in. Vietnamese diacritics settle it;
// otherwise each word votes for the language whose vocabulary knows it and
// the other does not, and a tie keeps the user's interface language.
func (e *Engine) detect(lang, raw, folded string) string {
	if e.idx[lang] == nil {
		lang = e.def
	}
	vi, en := e.idx["vi"], e.idx["en"]
	if vi == nil || en == nil {
		return lang
	}
	if hasVietnameseMarks(raw) {
		return "vi"
	}
	votes := 0
	for folded != "" {
		var w string
		w, folded = nextWord(folded)
		inVi, inEn := vi.knows(w), en.knows(stemEN(w))
		switch {
		case inVi && !inEn:
			votes--
		case inEn && !inVi:
			votes++
		}
	}
	switch {
	case votes > 0:
		return "en"
	case votes < 0:
		return "vi"
	}
	return lang
}

func (ix *index) knows(w string) bool {
	if _, ok := ix.vocab[w]; ok {
		return true
	}
	_, ok := ix.an.abbrev[w]
	return ok || ix.an.stop[w]
}

func nextWord(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
