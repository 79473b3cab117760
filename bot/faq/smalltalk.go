package faq

import (
	"slices"
	"strings"
)

// Small talk: greetings, thanks, goodbyes and questions about the bot. A
// message is small talk when every word of it is a small-talk word or
// phrase (stWords, stPhrases) or a filler; a message that opens or closes
// with small talk around a real question is answered by that question
// (smalltalkCore). Goodbyes get the closing reply, which is the thanks one.

// stClass is what a word or phrase says in small talk.
type stClass uint8

const (
	stOther  stClass = iota // a word of something else: not small talk
	stFiller                // address, particles, politeness, wishes: nothing on their own
	stGreet
	stThanks // thanks and goodbyes
	stAck    // "ok", "got it", "tuyệt vời": a closing reply when nothing else is said
	stAsk    // "help", "cho mình hỏi": asking for help without asking anything yet
)

// stWords classes single folded words. Markers of one kind count; fillers
// only pass.
var stWords = func() map[string]stClass {
	m := map[string]stClass{}
	add := func(c stClass, ws ...string) {
		for _, w := range ws {
			m[w] = c
		}
	}
	add(stFiller,
		// what "cảm ơn" and "chào" come with: acknowledgements and praise
		"huu", "ich", "hay", "qua", "tot", "very", "much", "so", "lot", "lots", "nhieu", "rat", "lam", "vang", "da",
		"uh", "um", "duoc", "roi", "it", "voi", "vai", "xin", "chan", "thanh", "many", "bunch", "ton", "again",
		"anyway", "thoi", "well", "oh", "hmm", "sure",
		// address and particles ("cảm ơn em nha, bác hiểu rồi", "e chào ad ạ")
		"ban", "loa", "bot", "a", "ad", "admin", "nhe", "nha", "em", "e", "anh", "chi", "minh", "moi",
		"nguoi", "you", "there", "all", "everyone", "everybody", "ah", "ak", "ha", "hihi", "hehe", "haha",
		"lol", "the", "to", "your", "for", "ne", "nhaa", "nhen", "nghen", "hen", "nghe", "bac",
		"chau", "chu", "ong", "ba", "con", "co", "cac", "dear", "sir", "madam", "bro", "sis", "man", "mate",
		"buddy", "dude", "guys", "folks", "ca", "vay", "day", "nhi", "ui", "do",
		// "có ai không", "anyone around?", "that helped a lot"
		"ai", "khong", "ko", "k", "hong", "o", "anyone", "anybody", "around", "here", "is", "that", "this",
		"helped", "really", "useful", "clear", "info", "with", "i", "me", "cho",
		// wishes: "chúc bạn một ngày tốt lành"
		"chuc", "mot",
		// "hôm nay bạn có khỏe không", "dạo này Loa khỏe không"
		"hom", "nay", "dao",
		// "tks b nhe": "bạn" as chat writes it
		"b", "bn")
	// "Loa ơi", "ad ơi": calling the bot is greeting it
	add(stGreet, "oi", "oii", "chao", "hi", "hello", "hey", "heya", "hiya", "alo", "helo", "hii", "yo", "sup",
		"wassup", "whatsup", "morning", "good", "afternoon", "evening", "buoi", "sang", "trua", "chieu",
		"greetings", "howdy", "halo", "hallo", "hola", "xinchao", "chaoo", "hellu", "annyeong", "konnichiwa", "nihao", "bonjour")
	// "tối" and "lô" fold like "tôi" and the "lô" of an address: they pass
	// but do not make a greeting on their own.
	add(stFiller, "toi", "lo")
	add(stThanks, "cam", "thank", "thanks", "thx", "tks", "ty", "camon", "cmon", "thankyou", "thanku",
		"tysm", "thnx", "tnx", "cheers", "grateful", "appreciate", "appreciated", "bye", "byebye", "goodbye",
		"cya", "bb", "later")
	// "rõ rồi" is "understood"
	add(stAck, "ok", "oke", "okay", "okie", "okela", "okey", "alright", "understood", "hieu", "ro", "great",
		"helpful", "nice", "awesome", "cool", "perfect", "tuyet", "excellent", "noted")
	add(stAsk, "help", "giup", "ho", "tro", "hoi", "ask", "question", "questions", "need", "can", "could",
		"please", "pls", "something", "anything", "chut", "ti", "xiu", "have", "got", "some")
	return m
}()

// stPhrases are the small-talk phrases of several words, each with its
// class; a phrase is tried before its words.
var stPhrases = func() map[string][]stPhrase {
	m := map[string][]stPhrase{}
	add := func(c stClass, ps ...string) {
		for _, p := range ps {
			first, _, _ := strings.Cut(p, " ")
			m[first] = append(m[first], stPhrase{text: p, class: c})
		}
	}
	add(stThanks, "cam on", "tam biet", "hen gap lai", "bai bai", "see you", "see ya", "talk later",
		"talk soon", "have to go", "gotta go", "got to go", "take care", "good night", "ngu ngon",
		"di day", "di nhe", "catch you later", "catch ya later")
	add(stAck, "got it", "hieu roi")
	add(stGreet, "what is up", "whats up", "good day", "xin chao", "how are you", "how are you doing", "how are u", "how r u",
		"how is it going", "how s it going", "khoe khong", "co khoe khong", "khoe ko", "co ai khong",
		"co ai o day khong", "co ai o do khong", "anyone here", "anyone there", "anybody there",
		"anybody here", "you there", "are you there")
	// wishes and "I'm new here": pleasantries a greeting comes with
	add(stFiller, "ngay tot lanh", "tot lanh", "vui ve", "suc khoe", "nice day", "great day",
		"nice weekend", "have a", "moi dung", "lan dau", "lan dau tien", "first time", "new here", "ca nha",
		"lam quen", "lam quen cai", "moi vao", "saved me a trip", "moi vao nhom", "vao nhom", "cai nay",
		"anyone home", "that worked", "it worked")
	for _, ps := range m {
		// the longest phrase first: "lần đầu tiên" before "lần đầu"
		slices.SortFunc(ps, func(a, b stPhrase) int { return len(b.text) - len(a.text) })
	}
	return m
}()

type stPhrase struct {
	text  string
	class stClass
}

// unstretch undoes a stretched word ("helloooo", "thanksss", "sooo"): a
// run of three or more equal letters becomes one. It allocates only for
// such words.
func unstretch(w string) string {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			b := []byte(w[:i-1])
			for j := i; j < len(w); j++ {
				if w[j] != b[len(b)-1] {
					b = append(b, w[j])
				}
			}
			return string(b)
		}
	}
	return w
}

// stCounts counts the words of a message per stClass.
type stCounts [stAsk + 1]int

// stScan counts the small-talk words and phrases of folded text, and the
// other words.
func stScan(folded string) stCounts {
	var n stCounts
	for rest := folded; rest != ""; {
		if p, ok := stPhraseAt(rest); ok {
			rest = strings.TrimPrefix(rest[len(p.text):], " ")
			n[p.class]++
			continue
		}
		var w string
		w, rest = nextWord(rest)
		n[stWords[unstretch(w)]]++
	}
	return n
}

// stPhraseAt returns the small-talk phrase that s starts with, if any.
func stPhraseAt(s string) (stPhrase, bool) {
	first, _ := nextWord(s)
	for _, p := range stPhrases[first] {
		if strings.HasPrefix(s, p.text) && (len(s) == len(p.text) || s[len(p.text)] == ' ') {
			return p, true
		}
	}
	return stPhrase{}, false
}

// smalltalk classifies a whole message as small talk, or returns "". A
// question about the bot counts only without one of Loa's subjects or a
// decline cue beside it ("are you a bot? what is iHanoi" asks about iHanoi).
func smalltalk(folded string, c cue) string {
	if folded == "" {
		return ""
	}
	if c.has(cueAbout) && strings.Count(folded, " ") < 12 && !c.has(cueDomain) && remitDecline(c) == "" {
		return SmalltalkAbout
	}
	n := stScan(folded)
	switch {
	case n[stOther] > 0:
		return ""
	case n[stThanks] > 0:
		return SmalltalkThanks
	case n[stGreet] > 0:
		return SmalltalkGreeting
	case n[stAsk] > 0:
		// "help", "i have a question": what Loa can help with
		return SmalltalkAbout
	case n[stAck] > 0:
		return SmalltalkThanks
	}
	return ""
}

// maxPleasantry is the length, in words, of the longest remark after a
// greeting or thanks that is taken as part of it when Loa has no answer
// for it ("thanks, that's exactly what I needed").
const maxPleasantry = 6

// smalltalkCore cuts the small-talk clauses off both ends of question
// ("Chào bạn, Đề án 06 là gì?", "ok thanks. one more thing, …") and
// returns what is left and the kind of small talk cut, or "" and "" when
// nothing was cut or nothing is left.
func (e *Engine) smalltalkCore(lang, question string) (core, kind string) {
	clauses := strings.FieldsFunc(question, func(r rune) bool {
		return r == ',' || r == '.' || r == '!' || r == '?' || r == ';' || r == ':' || r == '\n' || r == '…'
	})
	if len(clauses) < 2 {
		return "", ""
	}
	i, j := 0, len(clauses)
	for ; i < j; i++ {
		k := e.clauseSmalltalk(lang, clauses[i])
		if k == "" {
			break
		}
		kind = k
	}
	for ; j > i; j-- {
		k := e.clauseSmalltalk(lang, clauses[j-1])
		if k == "" || k == SmalltalkGreeting {
			break // a greeting does not close a message
		}
		kind = k
	}
	if i == j || kind == "" {
		return "", ""
	}
	// the core keeps its own punctuation: it may hold two questions
	start := strings.Index(question, clauses[i])
	end := strings.LastIndex(question, clauses[j-1]) + len(clauses[j-1])
	return strings.TrimSpace(question[start:end]) + tailMark(question[end:]), kind
}

// tailMark keeps the question mark that closed the core.
func tailMark(s string) string {
	if strings.HasPrefix(strings.TrimSpace(s), "?") {
		return "?"
	}
	return ""
}

// clauseSmalltalk is the small-talk kind of one clause of a message.
func (e *Engine) clauseSmalltalk(lang, clause string) string {
	folded := e.normalize(lang, Fold(clause))
	return smalltalk(folded, scanCues(pad(folded)))
}

// pleasantry reports whether the core left after thanks or a goodbye is
// a short remark, not a question ("thanks, that's exactly what I needed",
// not "thanks, also what is 2+2" or "cảm ơn, giá vàng bao nhiêu"): no
// question mark, at most maxPleasantry words, not opening with a question
// word and, in Vietnamese, whose question words close the sentence,
// holding none. After a greeting, what follows is a request: declined
// when Loa has nothing for it.
func pleasantry(lang, core, kind string) bool {
	if kind != SmalltalkThanks || strings.Contains(core, "?") || len(strings.Fields(core)) > maxPleasantry {
		return false
	}
	folded := Fold(core)
	first, _ := nextWord(folded)
	return !questionStarts[first] && (lang != "vi" || !hasAny(pad(folded), askWords))
}

// questionStarts are the words a question or a second one opens with.
var questionStarts = set("what", "how", "where", "when", "who", "which", "why", "is", "are", "do", "does",
	"did", "can", "could", "should", "will", "would", "may", "also", "and", "btw", "but", "plus", "one",
	"cho", "con", "lam", "sao", "o", "bao", "khi", "tai", "co", "ai", "gi", "the", "vay", "nhung", "them")

// aboutPhrases ask who Loa is, who made it and what it can do. Questions
// about a subject of Loa's ("bạn biết gì về VNeID") are not about the bot:
// see smalltalk.
var aboutPhrases = padded(slices.Concat([]string{
	"ban la ai", "ban la gi", "loa la ai", "loa la gi", "ban la bot", "ban la nguoi", "ban co phai la nguoi",
	"ban co phai nguoi", "ban co phai may", "ban co phai robot", "ban ten gi", "ten ban la gi",
	"ban lam duoc gi", "ban giup duoc gi", "ban co the lam gi", "ban co the giup gi", "ban biet lam gi",
	"ban tra loi duoc gi", "ban ho tro duoc gi", "ban ho tro gi", "loa lam duoc gi", "loa giup duoc gi",
	"loa co the lam gi", "ban cua ai", "ban do ai", "chatbot nay",
	"bot nay", "ung dung nay la gi", "who are you", "what are you", "what is loa", "who is loa",
	"what can you do", "what can you help", "what do you do", "how can you help",
	"real person", "nguoi that", "nguoi hay may", "your name", "what is this bot", "is this a bot", "ban hoi duoc gi",
	"hoi ban nhung gi", "hoi duoc nhung gi", "what can i ask", "what questions can i ask",
	"what kind of questions", "what sort of questions", "which questions can i ask",
	"loa giup duoc toi nhung", "ban giup duoc toi nhung", "loa giup duoc nhung", "ban giup duoc nhung",
	"loa lam duoc nhung", "ban lam duoc nhung", "loa ho tro duoc nhung", "ban ho tro duoc nhung",
	// what it knows and covers
	"ban biet nhung gi", "ban biet gi", "ban biet duoc gi", "ban tra loi nhung", "ban tra loi cau hoi gi",
	"ban hieu nhung gi", "what topics", "which topics", "what subjects", "what do you cover",
	"what do you know", "what can you answer", "what can you tell me", "what are you for",
	"what exactly can you", "what else can you", "what things can you", "what sort of things can you",
	"what kind of things can you", "tell me about yourself", "about yourself", "introduce yourself",
	"gioi thieu ve ban", "gioi thieu ban than", "ban hoat dong the nao", "how do you work",
	"tro ly ao", "is this automated", "your creator", "who am i talking", "who am i speaking",
	"who am i chatting", "how does this bot work", "how does this chatbot work", "how does loa work",
	"ban thuoc co quan nao", "ban la cua co quan nao", "ban cua co quan nao", "ban thuoc ve co quan nao",
	"ban do co quan nao", "ban la cua ai", "ai lap trinh ra", "do you answer", "can you answer",
	"stuff do you", "things do you", "what sort of stuff", "what kind of stuff",
	"are you from the government", "from the government or", "run by the government", "random company", "government or a company", "government or some company",
	"person or a machine", "person or machine", "human or a bot", "human or bot", "bot or a human",
	"bot or human", "nguoi hay bot", "nguoi hay robot", "nguoi that hay",
},
	// "are you a bot?", "r u human", "is this an AI?"
	cross([]string{"are you", "are you a", "are you an"},
		[]string{"bot", "robot", "human", "person", "real", "machine", "chatbot", "ai", "chatgpt", "gpt",
			"live person", "real human", "computer", "program"}),
	cross([]string{"is this a", "is this an", "is this", "is loa a", "is loa an"},
		[]string{"bot", "robot", "human", "person", "machine", "chatbot", "ai", "chatgpt", "real person",
			"live person", "real human"}),
	// "am I talking to a human?"
	cross([]string{"talking to a", "talking to an", "talk to a", "chatting with a"},
		[]string{"human", "person", "bot", "robot", "machine", "real", "ai"}),
	// "who made you?", "who's behind this chatbot?", "ai đã tạo ra Loa?"
	cross([]string{"who made", "who built", "who created", "who developed", "who designed", "who programmed",
		"who owns", "who runs", "who operates", "who is behind", "who trained"},
		[]string{"you", "loa", "this bot", "this chatbot", "the bot", "the chatbot", "this assistant"}),
	cross([]string{"ai tao ra", "ai da tao ra", "ai lam ra", "ai da lam ra", "ai phat trien", "ai xay dung",
		"ai viet ra", "ai lap trinh", "ai dung sau", "ai van hanh", "ai quan ly"},
		[]string{"ban", "loa", "bot", "chatbot", "em"}),
	// "bạn có phải AI không", "Loa là robot à", "chatbot của ai"
	cross([]string{"ban la", "ban co phai", "ban la mot", "em la", "em co phai"},
		[]string{"robot", "chatbot", "ai", "may", "tri tue nhan tao", "bot"}),
	[]string{"bot cua ai", "chatbot cua ai", "loa cua ai", "tro ly ao cua ai"})...)

// cross returns every phrase of a followed by one of b.
func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+" "+y)
		}
	}
	return out
}
