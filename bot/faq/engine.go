package faq

import (
	"slices"
	"strings"
)

// Decision thresholds on the blended score (0..1, see search.go) and on its
// margin over the runner-up. Calibrated per language on faq/eval.yaml: the
// Vietnamese score also charges word pairs the KB never uses (see
// weightUnseenPair), which lowers it for in-scope and out-of-scope questions
// alike, so its accept line sits lower. eval_test.go keeps the targets.
type thresholds struct {
	accept  float32 // at or above: answer outright, if the margin allows
	sure    float32 // at or above: answer even when the runner-up is close
	suggest float32 // suggestions listed with a close pair must reach it
}

var langThresholds = map[string]thresholds{
	"vi": {accept: 0.44, sure: 0.65, suggest: 0.30},
	"en": {accept: 0.52, sure: 0.65, suggest: 0.33},
}

// A clear lead: when the message names one of Loa's own subjects (VNeID,
// Đề án 06, scams… see domainPhrases) and no decline cue fired, a first
// candidate leadMargin ahead of the runner-up is answered down to
// leadSlack under the accept line. Long messages with context ("Mọi người
// cứ nói VNeID, VNeID, thực ra nó là cái gì…") score low but still point
// at one entry. Without the subject condition, out-of-scope questions
// (train tickets, exam dates) were answered: 0.08/0.08 answered 7 more on
// the dev sets; with it, none. Measured on the dev sets: dev6 +2, dev4 +2.
const (
	leadSlack  = 0.08
	leadMargin = 0.08
	// dominantShare: without a subject cue, a first candidate at least
	// this share of its own score ahead of the runner-up leads as clearly
	// ("nhà cháu ở ngõ có cái ổ gà…, giờ muốn báo lên thành phố": 0.43
	// against 0.16). Measured on the dev sets: 0.6 and 0.5 +3 with no
	// out-of-scope case answered; 0.4 answered 2, so 0.6 keeps a margin.
	dominantShare = 0.6
)

// minSupport: without a subject cue, an entry is answered or offered only
// when at least this share of the question's mass matched it on terms that
// are not generic (see genericShare). Off-topic questions share only the
// words every entry uses ("1 năm có bao nhiêu ngày" reached the VNeID
// processing-time entry on "có" and "mấy ngày"); the lowest in-scope
// answer without a subject cue on the dev sets had 0.20. 0.18 first, but
// once generalPhrases declined "Thủ đô của Nhật" (0.16) it only added the
// risk of in-scope ones ("thủ đô Hà Nội có app gì…": 0.17), so it sits at
// 0.1: of the dev sets' off-topic questions declined for want of a
// match, 8 had no support at all and 2 had 0.06-0.07.
const minSupport = 0.1

const (
	minMargin  = 0.02 // best minus runner-up needed below the sure line
	maxSuggest = 3
	maxRelated = 3
)

// Result is the engine's answer to one question. Action says what to do
// first; the other fields fill in the details of that action.
type Result struct {
	Action      Action
	Entry       *Entry   // ActionAnswer: the entry that answers
	Score       float64  // confidence of the best KB candidate, 0..1
	Fallback    bool     // no entry and no suggestions: decline, smalltalk or locality
	Suggestions []*Entry // ActionChoices: "did you mean" entries, best first
	Related     []*Entry // ActionAnswer: up to 3 related entries
	// Also holds entries that answer other questions asked in the same
	// message ("…, với lại quên mật khẩu thì sao?"): offer them after Entry.
	Also      []*Entry
	Decline   string         // ActionDecline: one of the Decline* reasons
	Province  string         // DeclineProvince: the province or city named
	Smalltalk string         // ActionSmalltalk: one of the Smalltalk* kinds
	Locality  *LocalityQuery // ActionLocality; ActionCommand subscribe: the ward named, if any
	Command   string         // ActionCommand: one of the Command* names (selfservice.go)
	Lang      string         // language of the answer (the question's language)

	// lead: the message names one of Loa's own subjects, so a candidate
	// that clearly leads may be answered under the accept line (decide).
	lead bool
	// scamStory: a stranger reached the resident and asked for a scam's
	// sign (contactPhrases, scamSignPhrases): the scam entries come first.
	scamStory bool
}

// TextKey is the bot text key (locales/active.*.toml) that renders a
// decline or a smalltalk reply, or "" for the other actions. Decline texts
// name what Loa can help with and the city's help line ({{.HelpLine}});
// faq_decline_province also takes {{.Province}}.
func (r Result) TextKey() string {
	switch r.Action {
	case ActionSmalltalk:
		return "faq_smalltalk_" + r.Smalltalk
	case ActionDecline:
		switch r.Decline {
		case DeclineProvince:
			return "faq_decline_province"
		case DeclineNoMatch:
			return "fallback"
		case DeclineRoleplay:
			return "faq_decline_injection"
		}
		return "faq_decline_remit"
	}
	return ""
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
	e.train(kbs)
	return e
}

// train fits each index's classifier on the KB's own phrasings, on its
// examples and on the questions no entry answers (KB.Outside), learned as
// one more class (noneShare). An example trains the index of the language
// it is written in, even when it would be searched in the other first: an
// English question
// quoting "tổ công nghệ số cộng đồng" reads as Vietnamese, finds nothing
// there and is retried in English (answerMixed), where it should be
// found. A KB without examples gets no classifier: its phrasings alone are
// what the lexical search already knows.
func (e *Engine) train(kbs map[string]*KB) {
	for lang, ix := range e.idx {
		kb := kbs[lang]
		if len(kb.Examples) == 0 {
			continue
		}
		var exs []trainingExample
		for _, en := range kb.Entries {
			for _, q := range en.Questions {
				exs = e.appendExample(exs, ix, Fold(q), en.ID, false)
			}
		}
		for _, x := range kb.Examples {
			exs = e.appendExample(exs, ix, Fold(x.Q), x.Entry, true)
		}
		for _, x := range kb.Outside {
			exs = e.appendLabelled(exs, ix, Fold(x.Q), int32(len(ix.entries)), true)
		}
		classes := len(ix.entries)
		if len(kb.Outside) > 0 {
			classes++ // the class of questions no entry answers (noneShare)
		}
		ix.clf = trainClassifier(classes, exs)
	}
}

// appendExample adds the question (folded) labelled id to exs; an id the
// KB does not have (an entry gone) is skipped.
func (e *Engine) appendExample(exs []trainingExample, ix *index, raw, id string, drop bool) []trainingExample {
	d, ok := ix.docOf[id]
	if !ok {
		return exs
	}
	return e.appendLabelled(exs, ix, raw, d, drop)
}

// appendLabelled adds the question (folded) of class gold to exs, as the
// search will see such a question: normalised and cut into its terms; a
// resident's question (drop) also with terms left out (appendDropped). A
// question no entry answers (KB.Outside) has the class after the entries'
// (noneShare).
func (e *Engine) appendLabelled(exs []trainingExample, ix *index, raw string, gold int32, drop bool) []trainingExample {
	toks := ix.an.tokens(nil, e.normalize(ix.lang, raw))
	exs = append(exs, trainingExample{keys: featureKeys(nil, toks), gold: gold})
	if !drop {
		return exs
	}
	return appendDropped(exs, toks, gold)
}

// appendDropped adds clfDropCopies copies of a question of at least four
// terms, each without about one term in clfDropEvery, chosen by a hash
// (the same examples give the same model). A resident asks with other
// words around and fewer of the entry's own: trained on the whole
// phrasings only, the classifier leaned on the one or two words that
// told the training examples apart and missed when they were absent.
func appendDropped(exs []trainingExample, toks []string, gold int32) []trainingExample {
	if len(toks) < 4 {
		return exs
	}
	kept := make([]string, 0, len(toks))
	for k := range clfDropCopies {
		kept = kept[:0]
		for i, t := range toks {
			if fnv64(t, uint64(len(exs)*31+k*7+i))%clfDropEvery != 0 {
				kept = append(kept, t)
			}
		}
		exs = append(exs, trainingExample{keys: featureKeys(nil, kept), gold: gold})
	}
	return exs
}

// Answer matches question and answers in the question's own language, which
// may differ from lang (the user's interface language). Before the KB
// search it recognises role-play attempts, smalltalk, old-ward questions,
// other provinces and other out-of-remit subjects, from one pass over the
// words (scanCues). A message holding several questions is answered by its
// main one, the others going to Result.Also.
func (e *Engine) Answer(lang, question string) Result {
	raw := Fold(question)
	r := e.answerAll(lang, question, raw)
	if r.Lang == "vi" && r.Action != ActionAnswer && r.Action != ActionChoices &&
		!(r.Action == ActionDecline && r.Decline == DeclineNoMatch) && e.quotesVietnamese(question, raw) {
		// "Which ward is Kim Liên in now?": the diacritics are the place's,
		// the resident wrote in English, so the reply (the place, small
		// talk, a request, a decline) is in English (an entry's answer is
		// retried in English by answerMixed)
		r.Lang = "en"
	}
	if r.Locality != nil {
		r.Locality.Shown = shownSpan(question, r.Locality.Text)
	}
	return r
}

// answerAll is Answer before the place is given back in the resident's
// words: every retry (answerCore, answerMixed) included. (index.search is
// the KB search of one language.)
func (e *Engine) answerAll(lang, question, raw string) Result {
	r := e.answerAs(e.detect(lang, question, raw), question, raw)
	if r.Action == ActionAnswer && r.Lang == "vi" {
		// an English question quoting Vietnamese may find a Vietnamese
		// answer too, now that the ranking has learned the quoted words:
		// the resident wrote in English, so English goes first
		if er := e.answerMixed(r, question, raw); er.Lang == "en" {
			return er
		}
	}
	if r.Action != ActionChoices && (r.Action != ActionDecline || r.Decline != DeclineNoMatch) {
		return r
	}
	r = e.answerCore(r, question)
	if r.Action == ActionChoices || r.Action == ActionDecline && r.Decline == DeclineNoMatch {
		return e.answerMixed(r, question, raw)
	}
	return r
}

// answerMixed retries in English an English question that quotes
// Vietnamese terms ("What does toàn trình mean for online public
// services?"): a diacritic makes a question Vietnamese (detect), and its
// English words then weigh as words the Vietnamese KB does not know.
func (e *Engine) answerMixed(r Result, question, raw string) Result {
	if r.Lang != "vi" || !e.quotesVietnamese(question, raw) {
		return r
	}
	if er := e.answerAs("en", question, raw); er.Action == ActionAnswer {
		return er
	}
	return r
}

// quotesVietnamese reports an English question (raw, its folded form)
// that reads as Vietnamese only for its diacritics: a place or a term
// quoted, the words around it English.
func (e *Engine) quotesVietnamese(question, raw string) bool {
	return e.idx["en"] != nil && hasVietnameseMarks(question) && e.wordVotes(raw) > 0
}

// answerCore retries a message that found no clear answer without the
// small talk around its question ("Chào bạn, Đề án 06 là gì?"): the
// greeting's words weigh in the search as words the KB does not know. A
// short remark Loa has nothing for is part of the small talk ("thanks,
// that's exactly what I needed"). A message answered as a whole is not
// cut: its context may be what found the answer.
func (e *Engine) answerCore(r Result, question string) Result {
	core, kind := e.smalltalkCore(r.Lang, question)
	if core == "" {
		return r
	}
	if pleasantry(r.Lang, core, kind) && !scanCues(pad(e.normalize(r.Lang, Fold(core)))).has(cueDomain) {
		// a short remark after thanks ("cảm ơn nhé, rõ rồi") is part of
		// the thanks even when a word of it meets an entry ("rõ" the
		// deepfake entry's "hình không rõ"): only one of Loa's subjects
		// makes it a question
		return Result{Lang: r.Lang, Fallback: true, Action: ActionSmalltalk, Smalltalk: kind}
	}
	cr := e.answer(r.Lang, core)
	switch {
	case cr.Action == ActionAnswer || cr.Action == ActionLocality:
		return cr
	case cr.Action == ActionDecline && cr.Decline == DeclineNoMatch && pleasantry(r.Lang, core, kind):
		return Result{Lang: r.Lang, Fallback: true, Action: ActionSmalltalk, Smalltalk: kind}
	}
	return r
}

// answer is Answer for the message as a whole.
func (e *Engine) answer(lang, question string) Result {
	raw := Fold(question)
	return e.answerAs(e.detect(lang, question, raw), question, raw)
}

// answerAs is answer in lang, whatever language the question (raw, its
// folded form) looks like.
func (e *Engine) answerAs(lang, question, raw string) Result {
	folded := e.normalize(lang, raw)
	res := Result{Lang: lang, Fallback: true, Action: ActionDecline, Decline: DeclineNoMatch}
	if folded == "" {
		return res
	}
	padded := pad(folded)
	c := scanCues(padded)
	if raw != folded {
		// the concept table may rewrite a question about the bot ("what
		// else can you do" reads "what features…"): it is asked in words;
		// and it drops a newcomer's context ("moved to Hanoi"), which
		// still says the question is Hanoi's
		c |= scanCues(pad(raw)) & (cueAbout | cueHanoi)
	}
	if c.has(cueInjection) {
		res.Decline = DeclineRoleplay
		return res
	}
	// (a word of change alone, "nay", "giờ", "now", is in every other
	// message: "xóa toàn bộ thông tin khỏi bot này" is a request)
	placeAsk := c.has(cueLocOld | cueLocAsk | cueLocSplit | cueLocRename)
	pl := placeTables()
	prov, typed := pl.otherProvinceTyped(padded)
	if prov == "" && raw != folded {
		// the chat table must not hide a place: "Can Tho" is not "can though"
		prov, typed = pl.otherProvinceTyped(pad(raw))
	}
	cmd, sure := selfCommand(padded, raw)
	if cmd == CommandSubscribe && prov != "" && !c.has(cueHanoi) {
		// "I live in Can Tho, how do I subscribe to my ward there": Loa
		// has only Hanoi's wards to offer
		res.Decline, res.Province = DeclineProvince, prov
		return res
	}
	if sure && !placeAsk {
		// before small talk: "what do you know about me" is not "what do you know"
		return commandResult(res, cmd, folded)
	}
	if k := smalltalk(folded, c); k != "" {
		res.Action, res.Decline, res.Smalltalk = ActionSmalltalk, "", k
		return res
	}
	// A price, the weather or a match asked about a place is still not
	// Loa's to answer: "Giá chung cư ở phường Cầu Giấy bao nhiêu" is not
	// a question about where the ward went, nor "đăng ký nhận tin giá
	// vàng" a subscription.
	if r := remitDecline(c); (r == DeclinePrices || r == DeclineWeather || r == DeclineSports) && !c.has(cueDomain) {
		res.Decline = r
		return res
	}
	if q := locality(folded, c, pl); q != nil && (prov == "" || len(q.Places) > 0 && !typed) && !q.typedAsOther(question) {
		res.Action, res.Decline, res.Locality = ActionLocality, "", q
		return res
	}
	if q := bareHanoiPlace(folded, pl); q != nil {
		res.Action, res.Decline, res.Locality = ActionLocality, "", q
		return res
	}
	// A request in a message that may ask where a place went comes after
	// the place questions: "Kim Liên cũ giờ là phường nào, mình muốn nhận
	// tin" is answered from the tables, and that answer offers the
	// subscription; a weak phrase there is not taken at all.
	if cmd != "" && (sure || !placeAsk) {
		return commandResult(res, cmd, folded)
	}
	// Hanoi named too, the question is Hanoi's ("chuyển từ Đà Nẵng ra Hà
	// Nội…"), unless it weighs the two: Loa has no other province's figures.
	if prov != "" && (!c.has(cueHanoi) || c.has(cueCompare)) {
		res.Decline, res.Province = DeclineProvince, prov
		return res
	}
	if c.has(cueTask) {
		res.Decline = DeclineGeneral
		return res
	}
	// One of Loa's subjects named, a price, the weather, a match, a legal
	// or general word is the resident's aside ("trời mưa không muốn ra
	// phường, nộp hồ sơ trên mạng được chưa"): the search decides.
	// Politics and another authority's procedure stay declined.
	if r := remitDecline(c); r != "" && !(c.has(cueDomain) && r != DeclinePolitics && r != DeclineService) {
		res.Decline = r
		return res
	}
	if arithmetic(question, folded) {
		res.Decline = DeclineGeneral
		return res
	}
	ix := e.idx[lang]
	if ix == nil {
		return res
	}
	r := e.answerParts(ix, res, lang, question, folded, c)
	if r.Action == ActionAnswer {
		return r
	}
	// A long message that found no clear answer: search the clause where
	// the asking starts, without the greeting and context before it.
	if q := questionClause(lang, question); q != "" {
		if qr := e.ask(ix, res, e.normalize(lang, q)); qr.Action == ActionAnswer && e.ranks(ix, folded, qr.Entry) {
			return qr
		}
	}
	return r
}

// answerParts answers the whole message, or its main question when it
// holds several (see Answer).
func (e *Engine) answerParts(ix *index, res Result, lang, question, folded string, c cue) Result {
	res.lead = c.has(cueDomain)
	res.scamStory = c.has(cueContact) && c.has(cueScamSign)
	whole := e.ask(ix, res, folded)
	segs := segments(question, c)
	if len(segs) == 0 {
		return whole
	}
	if !segs[0].sentence {
		// one long sentence: its last clauses are searched only to rescue
		// a whole message that found no clear answer
		if whole.Action == ActionAnswer {
			return whole
		}
		if r := e.ask(ix, res, e.normalize(lang, Fold(segs[0].text))); r.Action == ActionAnswer {
			return r
		}
		return whole
	}
	var first, best *Result
	var answered []*Entry
	// a first question cut from the next by a connector or put as a
	// question of its own ("…ở đâu? Mất bao lâu?") is the main one
	firstJoined := segs[0].joined || segs[0].asked
	for i, sg := range segs {
		r := e.ask(ix, res, e.normalize(lang, Fold(sg.text)))
		if r.Action != ActionAnswer {
			continue
		}
		// When the whole message found no answer, a part's answer must
		// agree with it: "What is it?" alone, cut from "There is this
		// iHanoi app… What is it?", finds whatever entry asks "is it".
		if whole.Action != ActionAnswer && !e.ranks(ix, folded, r.Entry) {
			continue
		}
		// When the whole message was answered, the last clauses of a long
		// sentence must still find one of its candidates: "giờ cả nhà rối
		// quá, phải báo ở đâu", cut from a message about being scammed,
		// finds iHanoi's reports. (A sentence of its own may ask about
		// something else: "Ngày CĐS là ngày nào? Năm 2025 chủ đề là gì?")
		if whole.Action == ActionAnswer && sg.trimmed && !e.ranksWithin(ix, folded, r.Entry, partAgree) {
			continue
		}
		if !containsEntry(answered, r.Entry) {
			answered = append(answered, r.Entry)
		}
		rr := r
		if i == 0 && sg.sentence {
			first = &rr
		}
		if best == nil || rr.Score > best.Score {
			best = &rr
		}
	}
	// The main question: the first one, when it is answered on its own
	// at least as surely as the whole message, or when the whole message
	// only found a later part's answer (the blend of two questions leans
	// to the one with more words); else the whole message's answer; else
	// the surest part.
	var main Result
	switch {
	case segs[0].comma && first != nil && whole.Action == ActionAnswer:
		// A question a comma cuts off is the main one unless the whole
		// message's answer fits it too: "Ngày CĐS là ngày nào vậy, năm
		// nay chủ đề là gì" asks the date first, while in "mức 1 dùng được
		// gì, có cần lên mức 2 không" the comparison answers both parts.
		main = whole
		if first.Entry != whole.Entry && e.scoreOf(ix, e.normalize(lang, Fold(segs[0].text)), whole.Entry) < float32(first.Score)-commaSlack {
			main = *first
		}
	case first != nil && (whole.Action != ActionAnswer || first.Score >= whole.Score ||
		firstJoined && containsEntry(answered, whole.Entry) && whole.Entry != first.Entry):
		main = *first
	case whole.Action == ActionAnswer:
		main = whole
	case best != nil:
		main = *best
	default:
		return whole
	}
	if whole.Action == ActionAnswer && !containsEntry(answered, whole.Entry) {
		answered = append(answered, whole.Entry)
	}
	main.Also = nil
	for _, en := range answered {
		if en != main.Entry && len(main.Also) < maxRelated {
			main.Also = append(main.Also, en)
		}
	}
	return main
}

func (ix *index) thresholds() thresholds {
	if th, ok := langThresholds[ix.lang]; ok {
		return th
	}
	return langThresholds["en"]
}

// ask runs the KB search and the decision for one folded text.
func (e *Engine) ask(ix *index, res Result, folded string) Result {
	if folded == "" {
		return res
	}
	sc := ix.pool.Get().(*scratch)
	var top [4]hit
	n := ix.search(sc, folded, &top)
	ix.pool.Put(sc)
	if n == 0 {
		return res
	}
	if res.scamStory {
		// only the scam answers, unless none of them is sure enough
		// alone: then the message as it is (a copy: top stays whole)
		cands := top
		if m := ix.scamOnly(cands[:n]); m > 0 && m < n {
			if r := ix.decide(res, cands[:m]); r.Action == ActionAnswer {
				return r
			}
		}
	}
	r := ix.decide(res, top[:n])
	if res.scamStory && r.Action != ActionAnswer {
		return ix.scamAdvice(r, top[:n])
	}
	return r
}

// scamAdvice answers a scam story no entry fits clearly ("điện lực gọi
// dọa cắt điện nếu không thanh toán qua link", "shipper bảo chuyển khoản
// phí trước") with the ways to tell a scam and what to do: the story
// itself says it is one, and the resident needs that more than the help
// line. The candidates the search found are offered beside it; res is
// what the search decided without it.
func (ix *index) scamAdvice(res Result, top []hit) Result {
	en := ix.byID[scamAdviceEntry]
	if en == nil {
		return res
	}
	res.Action, res.Decline, res.Fallback, res.lead = ActionAnswer, "", false, false
	res.Entry, res.Suggestions = en, nil
	runner := int32(-1)
	for _, h := range top {
		if ix.entries[h.doc] != en {
			runner = h.doc
			break
		}
	}
	res.Related = ix.related(en, runner)
	return res
}

// scamOnly moves the scam entries among the candidates to the front, best
// first, and returns how many there are: in a scam told as a story the
// VNeID or bank words are the bait, not the question. The hotlines that
// take reports and the entry on getting the real VNeID app (not one from
// a link) answer such stories too.
func (ix *index) scamOnly(top []hit) int {
	n := 0
	for _, h := range top {
		if en := ix.entries[h.doc]; en.Topic == scamTopic || en.Topic == hotlineTopic || en.ID == realAppEntry {
			top[n] = h
			n++
		}
	}
	return n
}

// The knowledge base's topics of scam warnings and of the hotlines that
// take reports, and its entry on downloading the real VNeID app.
const (
	scamTopic    = "lua-dao"
	hotlineTopic = "duong-day"
	realAppEntry = "vneid-tai-app"
	// scamAdviceEntry tells how to spot and avoid a scam (scamAdvice).
	scamAdviceEntry = "ld-nguyen-tac"
)

// ranks reports whether en is among the whole message's top candidates:
// a clause's answer must agree with the message it was cut from.
func (e *Engine) ranks(ix *index, folded string, en *Entry) bool {
	return e.ranksWithin(ix, folded, en, clauseAgree)
}

// ranksWithin reports whether en is among the first k candidates of folded.
func (e *Engine) ranksWithin(ix *index, folded string, en *Entry, k int) bool {
	sc := ix.pool.Get().(*scratch)
	var top [4]hit
	n := ix.search(sc, folded, &top)
	ix.pool.Put(sc)
	for _, h := range top[:min(n, k)] {
		if ix.entries[h.doc] == en {
			return true
		}
	}
	return false
}

// scoreOf is en's score among the first candidates of folded, 0 if it is
// not one of them.
func (e *Engine) scoreOf(ix *index, folded string, en *Entry) float32 {
	sc := ix.pool.Get().(*scratch)
	var top [4]hit
	n := ix.search(sc, folded, &top)
	ix.pool.Put(sc)
	for _, h := range top[:n] {
		if ix.entries[h.doc] == en {
			return h.lex
		}
	}
	return 0
}

// commaSlack: the whole message's answer fits a question cut off by a
// comma when it scores within this of that question's own answer. On
// the dev sets the whole's answer stood 0.04 and 0.08 under the first
// question's when it answered both ("mức 1 dùng được gì, có cần lên mức
// 2 không"; "nhận kết quả ở đâu, có được gửi về nhà không") and 0.14
// under when it answered only the second ("Ngày CĐS là ngày nào vậy,
// năm nay chủ đề là gì").
const commaSlack = 0.1

// clauseAgree is how high in the whole message's ranking a clause's answer
// must stand.
const clauseAgree = 2

// partAgree is the same for a part of a message whose whole was answered:
// a second question may rank lower in the blend, so any of the four
// candidates kept will do.
const partAgree = 4

func containsEntry(es []*Entry, e *Entry) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// maxSegments bounds the extra searches a long message costs.
const maxSegments = 3

// segment is a piece of a message searched on its own: a sentence (or a
// question after a connector), or the last clauses of a long sentence.
type segment struct {
	text     string
	sentence bool // false: clauses of one sentence, after its context
	joined   bool // cut from the next question by a connector ("…ở đâu và mất bao lâu")
	asked    bool // a sentence of its own that ends with a question mark
	trimmed  bool // the last clauses of a long comma-separated sentence, its context cut off
	comma    bool // a question a comma cuts from the next one (questionComma)
}

// segments splits a message into its sentences, and a long sentence into
// its last clauses, where the question usually sits after the context
// ("Chào bạn, mẹ mình 70 tuổi, ở một mình, muốn làm VNeID mức 2 thì…").
// It returns nil for a message of one short sentence.
func segments(q string, c cue) []segment {
	if !mayHoldSeveral(q, c) {
		return nil
	}
	var out []segment
	add := func(s string, sentence, joined, trimmed, asked bool) {
		s = strings.TrimSpace(s)
		if strings.Count(s, " ") >= 1 && len(out) < maxSegments {
			out = append(out, segment{text: s, sentence: sentence, joined: joined, trimmed: trimmed, asked: asked})
		}
	}
	sentences := splitSentences(q)
	several := len(sentences) > 1
	for _, s := range sentences {
		parts := splitConnectors(s.text)
		several = several || len(parts) > 1
		for _, p := range parts {
			if qs := splitQuestionCommas(p); len(qs) > 1 {
				// questions a comma joins: sentences of their own, the
				// first the main one only when it is answered as surely
				// as the whole ("mức 1 dùng được gì, có cần lên mức 2
				// không" is one question, not two)
				for _, q := range qs {
					add(q, true, false, false, false)
					if len(out) > 0 {
						out[len(out)-1].comma = true
					}
				}
				continue
			}
			clauses := strings.Split(p, ",")
			if len(clauses) > 2 && strings.Count(p, " ") >= 10 {
				add(strings.Join(clauses[len(clauses)-2:], ","), several, len(parts) > 1, true, false)
				continue
			}
			add(p, several, len(parts) > 1, false, s.asked && len(parts) == 1 && several)
		}
	}
	if len(out) < 2 && !(len(out) == 1 && !out[0].sentence) {
		return nil
	}
	return out
}

// sentence is one sentence of a message, and whether a question mark
// ended it.
type sentence struct {
	text  string
	asked bool
}

// splitSentences cuts q at sentence marks.
func splitSentences(q string) []sentence {
	var out []sentence
	start := 0
	for i, r := range q {
		switch r {
		case '?', '!', '.', ';', '\n', '…':
			if t := q[start:i]; strings.TrimSpace(t) != "" {
				out = append(out, sentence{text: t, asked: r == '?'})
			}
			start = i + len(string(r))
		}
	}
	if t := q[start:]; strings.TrimSpace(t) != "" {
		out = append(out, sentence{text: t})
	}
	return out
}

// mayHoldSeveral is a cheap, allocation-free test that q has two pieces
// segments could split: a sentence mark before its end, a connector, or
// a long comma-separated sentence.
func mayHoldSeveral(q string, c cue) bool {
	q = strings.TrimRight(q, " ?!.…;\n")
	switch {
	case strings.ContainsAny(q, "?!.;\n…"), c.has(cueConnector):
		return true
	case strings.Count(q, ",") >= 2 && strings.Count(q, " ") >= 10:
		return true
	}
	return strings.Contains(q, ", còn ") || strings.Contains(q, ", also ") || strings.Contains(q, " also, ") ||
		andJoined(q) || strings.Contains(q, ",") && questionComma(strings.ToLower(q)) > 0
}

// andJoined reports a "và"/"and" joining two questions (questionAnd),
// after a cheap test for the word itself.
func andJoined(q string) bool {
	if !strings.Contains(q, " và ") && !strings.Contains(q, " va ") && !strings.Contains(q, " and ") {
		return false
	}
	i, _ := questionAnd(strings.ToLower(q))
	return i > 0
}

// connectors introduce a second question inside one sentence.
var connectors = []string{" với lại ", " với cả ", ", còn ", " ngoài ra ", " thêm nữa ", " cho hỏi thêm ",
	" và cho hỏi ", " tiện thể ", " nhân tiện ", " and also ", ", also ", " also, ", " plus ", " btw "}

// foldedConnectors are the connectors mayHoldSeveral finds among the
// folded words (the ones with a comma it looks for in the raw text).
var foldedConnectors = padded("voi lai", "voi ca", "ngoai ra", "them nua", "cho hoi them", "va cho hoi",
	"tien the", "nhan tien", "and also", "plus", "btw")

func splitConnectors(s string) []string {
	low := strings.ToLower(s)
	for _, c := range connectors {
		if i := strings.Index(low, c); i > 0 {
			return append([]string{s[:i]}, splitConnectors(s[i+len(c):])...)
		}
	}
	if i, n := questionAnd(low); i > 0 {
		return append([]string{s[:i]}, splitConnectors(s[i+n:])...)
	}
	return []string{s}
}

// splitQuestionCommas cuts p at the commas that end one question and
// start another (questionComma).
func splitQuestionCommas(p string) []string {
	if i := questionComma(strings.ToLower(p)); i > 0 {
		return append([]string{p[:i]}, splitQuestionCommas(p[i+1:])...)
	}
	return []string{p}
}

// askEnds are the folded words a question closes with ("…là ngày nào
// vậy", "…địa chỉ là gì", "…có được không"), before the particles of
// askParticles; "lâu", "nhiêu", "giờ" count after "bao".
var askEnds = set("gi", "j", "nao", "dau", "sao", "khong", "ko", "chua")

// askParticles may close a question after its question word; a clause
// that is only a greeting ("Dạ em chào Loa ạ") ends in them too, so they
// are skipped, not counted.
var askParticles = set("vay", "z", "a", "ha", "nhi", "the", "nhe", "nha", "ad", "loa", "ban", "luon", "ah")

// endsAsking reports whether the folded words close with a question word.
func endsAsking(words []string) bool {
	n := len(words)
	for n > 0 && askParticles[words[n-1]] {
		n--
	}
	if n < 3 {
		return false
	}
	switch w := words[n-1]; {
	case askEnds[w]:
		return true
	case w == "lau" || w == "nhieu" || w == "gio":
		return words[n-2] == "bao"
	}
	return false
}

// questionComma returns where the first comma that ends a question and
// starts another stands in low, or 0: "Ngày CĐS là ngày nào vậy, năm nay
// chủ đề là gì" asks two things, and the blend of both leaned to the
// second. The part before must close with a question word and the part
// after ask too; a comma after context ("Bà tôi không biết dùng
// smartphone, …") splits nothing.
func questionComma(low string) int {
	for i := strings.IndexByte(low, ','); i > 0; {
		if endsAsking(strings.Fields(Fold(low[:i]))) {
			if rest := Fold(low[i+1:]); strings.Count(strings.TrimSpace(rest), " ") >= 1 && hasAny(pad(rest), askWords) {
				return i
			}
		}
		j := strings.IndexByte(low[i+1:], ',')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return 0
}

// andWords join two questions only when the part before them already asks
// something ("đăng ký ở đâu và mất bao lâu", "iHanoi là gì và tải ở đâu"):
// "mức 1 và mức 2 khác nhau thế nào" joins two nouns of one question.
var andWords = []string{" và ", " va ", " and "}

// askWords are the folded question words that make a part before "và" a
// question of its own.
var askWords = padded("gi", "j", "nao", "dau", "sao", "bao lau", "bao nhieu", "khong", "ko", "chua",
	"what", "how", "where", "when", "who", "which", "why")

// questionAnd returns where the first question-joining "và"/"and" of low
// starts and its length, or 0.
func questionAnd(low string) (int, int) {
	for _, a := range andWords {
		i := strings.Index(low, a)
		if i <= 0 {
			continue
		}
		if rest := low[i+len(a):]; strings.Count(strings.TrimSpace(rest), " ") >= 1 && hasAny(pad(Fold(low[:i])), askWords) {
			return i, len(a)
		}
	}
	return 0, 0
}

func (ix *index) decide(res Result, top []hit) Result {
	th := ix.thresholds()
	best := top[0]
	// how sure the words are (lex) decides whether to answer, helped a
	// little by a classifier that is sure (clfLiftAt); the ranking,
	// classifier included, decides what and how clearly
	conf := best.lex
	switch {
	case best.p >= clfSureAt:
		conf += clfSureLift * best.p
	case best.p >= clfLiftAt:
		conf += clfLift * best.p
	}
	res.Score = float64(conf)
	if best.none >= noneAt && best.p < best.none && (!res.lead || best.none >= noneLeadAt) {
		// residents' questions like this one were ones no entry answers
		// (noneAt): unless it names one of Loa's subjects, or the
		// classifier is surer still (noneLeadAt)
		return res
	}
	margin := float32(1)
	if len(top) > 1 {
		margin = best.score - top[1].score
	}
	if !res.lead && best.supp < minSupport {
		return res // only generic words matched: see minSupport
	}
	if conf >= th.sure || conf >= th.accept && margin >= minMargin ||
		res.lead && conf >= th.accept-leadSlack && margin >= leadMargin ||
		conf >= th.accept-leadSlack && margin >= conf*dominantShare {
		res.Action, res.Decline, res.Fallback = ActionAnswer, "", false
		res.lead = false
		res.Entry = ix.entries[best.doc]
		res.Related = ix.related(res.Entry, runnerUp(top, th))
		return res
	}
	// Under the accept line nothing is asserted and nothing suggested: a
	// resident is better served by the topics and the help line than by a
	// list of guesses. Choices are for two strong candidates truly close.
	if conf < th.accept {
		return res
	}
	res.Action, res.Decline, res.Fallback = ActionChoices, "", false
	for _, h := range top[:min(len(top), maxSuggest)] {
		if h.lex >= th.suggest {
			res.Suggestions = append(res.Suggestions, ix.entries[h.doc])
		}
	}
	return res
}

// related lists up to maxRelated entries to offer beside en: the
// runner-up first (the entry the search nearly chose; -1 for none), then
// en's own related entries. When the search picks the wrong one of two
// neighbours, the right one is then a tap away.
func (ix *index) related(en *Entry, runner int32) []*Entry {
	out := make([]*Entry, 0, maxRelated) // one allocation (TestAnswerAllocs)
	if runner >= 0 && ix.entries[runner] != en {
		out = append(out, ix.entries[runner])
	}
	for _, id := range en.Related {
		if r := ix.byID[id]; r != nil && len(out) < maxRelated && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// runnerUp is the second hit when it is plausible in its own right (at the
// suggestion line), or -1.
func runnerUp(top []hit, th thresholds) int32 {
	if len(top) < 2 || top[1].lex < th.suggest {
		return -1
	}
	return top[1].doc
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
	switch votes := e.wordVotes(folded); {
	case votes > 0:
		return "en"
	case votes < 0:
		return "vi"
	}
	return lang
}

// wordVotes counts the words of folded only the English KB knows, less
// those only the Vietnamese one knows.
func (e *Engine) wordVotes(folded string) int {
	vi, en := e.idx["vi"], e.idx["en"]
	if vi == nil || en == nil {
		return 0
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
	return votes
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
