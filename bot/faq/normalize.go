package faq

import "strings"

// Normalisation of how residents type, applied to the folded question once,
// before the pre-checks (cues, smalltalk, locality) and the KB search, so
// that every one of them sees "khong" for "ko", "vneid" for "vnied" and
// "what is" for "wat is". It works word by word from the tables below (the
// one place for chat shorthand that the pre-checks must understand; the
// analyzers' abbrev tables still expand the KB's own acronyms on both
// sides). Words it cannot place in the KB vocabulary are also folded from
// telex leftovers ("chuyeenr ddooir" → "chuyen doi").

// viChat maps Vietnamese chat shorthand to folded words. Ambiguous
// shorthand ("mk": mình or mật khẩu) is resolved in normalizeVI.
var viChat = map[string]string{
	"k": "khong", "ko": "khong", "kh": "khong", "khg": "khong", "kg": "khong", "hok": "khong", "hk": "khong",
	"hong": "khong", "hem": "khong", "khum": "khong", "hum": "khong", "kô": "khong",
	"dc": "duoc", "dk": "dang ky", "dki": "dang ky", "dky": "dang ky", "j": "gi", "z": "vay", "v": "vay",
	"zay": "vay", "dzay": "vay", "ntn": "nhu nao",
	"bn": "bao nhieu", "bnhiu": "bao nhieu", "nhiu": "nhieu", "lm": "lam", "ae": "anh em",
	"mn": "moi nguoi", "mng": "moi nguoi", "bik": "biet", "bit": "biet", "bt": "biet", "mun": "muon",
	"mik": "minh", "mh": "minh", "t": "toi", "tui": "toi", "r": "roi", "rùi": "roi",
	"rui": "roi", "ms": "moi", "cx": "cung", "cg": "cung", "lun": "luon", "trc": "truoc", "ns": "noi",
	"ng": "nguoi", "nc": "nuoc", "sdt": "so dien thoai", "tk": "tai khoan", "stk": "so tai khoan",
	"vnid": "vneid", "vnied": "vneid", "vneidd": "vneid", "vneld": "vneid", "vneit": "vneid",
	"vnei": "vneid", "vnieid": "vneid", "veneid": "vneid", "vnedi": "vneid",
	"ihn": "ihanoi", "ihanoii": "ihanoi", "ihaloi": "ihanoi", "hanoii": "ha noi",
	"wa": "qua", "ik": "di", "oy": "roi", "ak": "a", "dt": "dien thoai", "dthoai": "dien thoai",
	"bh": "bao gio", "bjo": "bao gio", "bgio": "bao gio", "h": "gio", "hnay": "hom nay", "hqua": "hom qua",
	"nhìu": "nhieu", "vs": "voi", "thui": "thoi", "tr": "trieu",
	"ck": "chuyen khoan", "sv": "sinh vien", "dv": "dich vu", "cb": "can bo",
	// common shorthand for the subjects residents ask about
	"dth": "dien thoai", "nv": "nhan vien", "tgian": "thoi gian", "tg": "thoi gian",
	"tphn": "thanh pho ha noi", "gks": "giay khai sinh", "bhxh": "bao hiem xa hoi", "tkhoan": "tai khoan",
	"chx": "chua", "ctrinh": "chuong trinh", "cntt": "cong nghe thong tin", "hdan": "huong dan",
	"cq": "co quan", "dvcqg": "dich vu cong quoc gia", "bnh": "bao nhieu", "bnhieu": "bao nhieu",
	"ntnao": "nhu nao", "lamsao": "lam sao", "ungdung": "ung dung", "dinhdanh": "dinh danh",
	"phg": "phuong",
	// English question words in a Vietnamese message ("ad oi how to dang
	// ky vneid muc 2"): telex folding made "how" "ho"
	"how": "lam sao", "what": "gi", "where": "o dau", "when": "khi nao", "why": "tai sao",
}

// enChat maps English chat speech to plain words.
var enChat = map[string]string{
	"u": "you", "ya": "you", "ur": "your", "r": "are", "wat": "what", "wht": "what", "wut": "what",
	"whats": "what is", "wats": "what is", "hows": "how is", "wheres": "where is", "whos": "who is",
	"whens": "when is", "im": "i am", "hes": "he is", "shes": "she is", "theyre": "they are",
	"youre": "you are", "ive": "i have", "pls": "please", "plz": "please", "pleas": "please",
	"gonna": "going to", "wanna": "want to", "gotta": "have to", "thru": "through", "rn": "now",
	"bc": "because", "cuz": "because", "coz": "because", "ppl": "people", "smth": "something",
	"dunno": "do not know", "idk": "do not know", "dont": "do not", "doesnt": "does not",
	"cant": "cannot", "wont": "will not", "isnt": "is not", "tho": "though", "b4": "before",
	"2day": "today", "tmr": "tomorrow", "tmrw": "tomorrow", "diff": "difference", "yr": "year",
	"yrs": "years", "hw": "how", "abt": "about", "thx": "thanks", "ty": "thanks",
	"tks": "thanks", "vnid": "vneid", "vnied": "vneid", "vneidd": "vneid",
	"licence": "license", "neighbourhood": "neighborhood",
	// e-ID levels typed as one word ("need lvl2 vneid"), and "wtf is…"
	"lvl2": "level 2", "lv2": "level 2", "lvl1": "level 1", "lv1": "level 1", "wtf": "what",
}

// lawPrefixes are the document kinds glued to their number ("nd13",
// "nq57", "qd749"): they are split so each part meets the KB's words.
var lawPrefixes = set("nd", "nq", "qd", "kh", "cv", "tt", "ct")

// mkPassword are the words around "mk" that make it mật khẩu, not mình.
var mkPassword = set("quen", "doi", "sai", "nhap", "lay", "dat", "reset", "vneid", "tk", "tai", "khau", "cua")

// normalize rewrites folded text word by word for lang. It returns folded
// itself when no word changes, so the common case allocates nothing.
func (e *Engine) normalize(lang, folded string) string {
	if !needsNormalize(e, lang, folded) {
		return folded
	}
	words := strings.Fields(folded)
	out := make([]string, 0, len(words)+4)
	for i, w := range words {
		if lang == "en" {
			if x, ok := enChat[w]; ok {
				w = x
			}
			out = append(out, splitLaw(w))
			continue
		}
		if w == "thoi" && fillerThoi(words[i+1:]) {
			continue
		}
		switch {
		case w == "mk":
			w = "minh"
			if i > 0 && mkPassword[words[i-1]] || i+1 < len(words) && mkPassword[words[i+1]] {
				w = "mat khau"
			}
		case viChat[w] != "":
			w = viChat[w]
		case moneySplit(w) > 0:
			n := moneySplit(w)
			w = w[:n] + " tien"
		default:
			if ix := e.idx["vi"]; ix != nil && !ix.knows(w) {
				if t := telexFold(w); t != w && ix.knows(t) {
					w = t
				}
			}
		}
		out = append(out, splitLaw(w))
	}
	if cs, ok := conceptsFor(lang).rewrite(make([]string, 0, len(out)+4), strings.Fields(strings.Join(out, " "))); ok {
		out = cs
	}
	if lang == "en" {
		out = askFirst(out)
	}
	return strings.Join(out, " ")
}

// pronounAsks are the English "what is it" questions that point back at a
// subject named earlier in the message ("I keep hearing about Project 06.
// What is it exactly?").
var pronounAsks = []string{" what is it", " what s it", " what is that", " what is this", " what are they", " what are those"}

// askTail are the words that may close a "what is it" question.
var askTail = set("exactly", "really", "actually", "about", "anyway")

// askFirst moves such a question before the subject it points at, dropping
// the pronoun: the KB asks "What is Project 06?", and the word pair "what
// is"+subject is what tells the definition from the other entries on it.
func askFirst(words []string) []string {
	for i := 0; i+2 < len(words); i++ {
		if words[i] != "what" {
			continue
		}
		if j := indirectAsk(words, i); j > 0 {
			// "no idea what VNeID is", "what Project 06 is about": the
			// subject sits between "what" and "is"
			return append(append(append([]string{"what", words[j]}, words[:i]...), words[i+1:j]...), words[j+1:]...)
		}
		if i == 0 || words[i+1] != "is" && words[i+1] != "are" {
			continue
		}
		switch words[i+2] {
		case "it", "that", "this", "they", "those":
			// only the question ending there ("what is it exactly"), not
			// one going on ("what's it called now")
			if rest := words[i+3:]; len(rest) == 0 || len(rest) == 1 && askTail[rest[0]] {
				return append(append([]string{"what", "is"}, words[:i]...), rest...)
			}
		}
	}
	return words
}

// indirectAsk returns where the "is"/"are" of an indirect question
// starting at words[i] == "what" stands ("what VNeID is", "what the 10/10
// day is for"): one to three subject words after "what", then the verb
// closing the message or followed by one askTail word or "for"; else 0.
func indirectAsk(words []string, i int) int {
	for j := i + 2; j <= i+4 && j < len(words); j++ {
		if words[j] != "is" && words[j] != "are" {
			continue
		}
		for _, w := range words[i+1 : j] {
			if w == "is" || w == "are" || w == "it" || w == "that" || w == "this" || w == "they" || w == "those" {
				return 0 // "what is it", handled as a pronoun ask
			}
		}
		if rest := words[j+1:]; len(rest) == 0 || len(rest) == 1 && (askTail[rest[0]] || rest[0] == "for") {
			return j
		}
		return 0
	}
	return 0
}

// containsAfterStart reports whether one of subs occurs in s past its start.
func containsAfterStart(s string, subs []string) bool {
	for _, x := range subs {
		if i := strings.Index(s, x); i > 0 {
			return true
		}
	}
	return false
}

// needsNormalize tells, without allocating, whether normalize would change
// any word of folded.
func needsNormalize(e *Engine, lang, folded string) bool {
	var vi *index
	if lang != "en" {
		vi = e.idx["vi"]
	}
	concepts := conceptsFor(lang)
	for rest := folded; rest != ""; {
		var w string
		w, rest = nextWord(rest)
		if concepts.matchAt(w, rest) {
			return true
		}
		if lawSplit(w) > 0 {
			return true
		}
		if lang == "en" {
			if _, ok := enChat[w]; ok || w == "what" && containsAfterStart(" "+folded, pronounAsks) {
				return true
			}
			continue
		}
		if x, ok := viChat[w]; ok && x != w || w == "mk" || moneySplit(w) > 0 || w == "thoi" && fillerThoiRest(rest) {
			return true
		}
		if vi != nil && !vi.knows(w) && telexFold(w) != w {
			return true
		}
	}
	return false
}

// "Thôi" closing a sentence ("nói dễ hiểu thôi", "chỉ cần căn cước
// thôi ạ") only softens it, but folds like the "thời" of "thời gian", and
// pulled "chuyển đổi số là gì, nói dễ hiểu thôi" to the VNeID processing
// time. It is dropped at the end or before a closing particle; "thời
// gian", "thời tiết" go on with a word of their own.
func fillerThoi(next []string) bool { return len(next) == 0 || thoiClosers[next[0]] }

// fillerThoiRest is fillerThoi on the text after the word.
func fillerThoiRest(rest string) bool {
	w, _ := nextWord(rest)
	return w == "" || thoiClosers[w]
}

// thoiClosers are the particles and fillers that may follow a closing "thôi".
var thoiClosers = set("a", "ah", "nhe", "nha", "ma", "vay", "ha", "chu", "nhi", "la", "duoc", "khong", "ko",
	"em", "anh", "chi", "ban", "ad", "nhieu", "cam")

// moneyUnits are the shorthand money units typed after a number ("mất
// 5tr", "nạp 500k"). The amount becomes "<number> tiền": read as money,
// not as a typo of some KB word ("5tr" was corrected to "trình"), and not
// as "triệu", which only the 10-million transfer rule uses.
var moneyUnits = set("tr", "k", "ty", "trieu", "m")

// moneySplit returns where the number ends in an amount like "5tr", or 0.
func moneySplit(w string) int {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 || i == len(w) || !moneyUnits[w[i:]] {
		return 0
	}
	return i
}

// lawSplit returns where a law prefix ends in w ("nd13" → 2), or 0.
func lawSplit(w string) int {
	for n := 2; n <= 3 && n < len(w); n++ {
		if lawPrefixes[w[:n]] && isNumber(w[n:]) {
			return n
		}
	}
	return 0
}

func splitLaw(w string) string {
	if n := lawSplit(w); n > 0 {
		return w[:n] + " " + w[n:]
	}
	return w
}

// telexFold undoes what telex typing leaves when the keyboard did not
// compose the letters: doubled vowels and "dd" (â ê ô đ), "w" after a
// vowel (ă ơ ư) and a tone key at the end of the syllable (s f r x j). A
// Vietnamese syllable never ends in those letters, which is what marks a
// leftover; the caller keeps the result only if the KB knows it.
func telexFold(w string) string {
	if len(w) < 3 || len(w) > 12 {
		return w
	}
	b := []byte(w)
	n := len(b)
	if strings.IndexByte("sfrxj", b[n-1]) >= 0 && hasVowel(b[:n-1]) {
		b = b[:n-1]
	}
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if i > 0 && c == b[i-1] && strings.IndexByte("aeod", c) >= 0 {
			continue // aa ee oo dd
		}
		if c == 'w' && i > 0 && strings.IndexByte("aou", b[i-1]) >= 0 {
			continue // aw ow uw
		}
		out = append(out, c)
	}
	return string(out)
}

func hasVowel(b []byte) bool {
	for _, c := range b {
		if strings.IndexByte("aeiouy", c) >= 0 {
			return true
		}
	}
	return false
}
