package faq

import "strings"

// analyzer turns folded text into index terms for one language: it expands
// chat abbreviations, drops filler words and (for English) strips plurals.
// Index and query go through the same analyzer so they always agree.
type analyzer struct {
	abbrev map[string][]string
	joins  map[string]map[string]string
	// marks add an intent marker after a word pair without dropping the
	// words ("ngày nào" keeps "ngày" and adds "_when"; "nào" is a stop word).
	marks map[string]map[string]string
	stop  map[string]bool
	stem  bool
	// compounds: words are syllables and meaning lives in adjacent pairs
	// (Vietnamese), so an unseen pair is evidence of an unknown word.
	compounds bool
}

func newAnalyzer(lang string) *analyzer {
	if lang == "en" {
		return &analyzer{abbrev: enAbbrev, joins: enJoins, marks: enMarks, stop: enStop, stem: true}
	}
	return &analyzer{abbrev: viAbbrev, joins: viJoins, marks: viMarks, stop: viStop, compounds: true}
}

// tokens appends the terms of folded text to dst without allocating new
// strings: every token is a substring of folded or a static table string.
func (a *analyzer) tokens(dst []string, folded string) []string {
	prev, prevAt := "", -1
	for folded != "" {
		var w string
		if i := strings.IndexByte(folded, ' '); i >= 0 {
			w, folded = folded[:i], folded[i+1:]
		} else {
			w, folded = folded, ""
		}
		// Two words typed apart that the KB writes as one ("ha noi" in
		// English text) replace the token kept for the first word.
		if j, ok := a.joins[prev][w]; ok && prevAt >= 0 {
			dst = append(dst[:prevAt], j)
			prev, prevAt = "", -1
			continue
		}
		mark := a.marks[prev][w]
		prev, prevAt = w, len(dst)
		if exp, ok := a.abbrev[w]; ok {
			for _, x := range exp {
				dst = a.keep(dst, x)
			}
		} else {
			dst = a.keep(dst, w)
		}
		if mark != "" {
			dst = append(dst, mark)
		}
	}
	return dst
}

func (a *analyzer) keep(dst []string, w string) []string {
	if a.stem && !a.stop[w] && !intentWords[w] {
		s := stemEN(w)
		// An inflected stop word is one too ("wants", "keeps", "getting"),
		// but a word whose final "e" alone went is not: "theme" stems
		// to "them", and was dropped on both sides.
		if a.stop[s] && len(w) == len(s)+1 && w[len(w)-1] == 'e' {
			return append(dst, s)
		}
		w = s
	}
	if w == "" || a.stop[w] {
		return dst
	}
	return append(dst, w)
}

// stemEN strips the common English plural and -ing/-ed endings just enough
// to make "scams", "scammed" and "scam" meet; it returns substrings only.
//
// Then a final "e" or "y" goes too, so that "approve", "approved" and
// "approving" meet on "approv", and "apply", "applies" and "applied" on
// "appl" (before, "approved" became "approv" and never met "approve").
func stemEN(w string) string {
	n := len(w)
	switch {
	case n > 6 && strings.HasSuffix(w, "ing"):
		return undouble(w[:n-3])
	case n > 5 && (strings.HasSuffix(w, "ied") || strings.HasSuffix(w, "ies")):
		return w[:n-3]
	case n > 5 && strings.HasSuffix(w, "ed"):
		return undouble(w[:n-2])
	case n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i':
		w = w[:n-1]
		n--
	}
	if n > 4 && (w[n-1] == 'e' || w[n-1] == 'y') && !strings.ContainsRune("aeiouy", rune(w[n-2])) {
		return w[:n-1]
	}
	return w
}

// undouble turns "scamm" (from "scammed") back into "scam".
func undouble(w string) string {
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// viStop holds question words and chat fillers that say nothing about the
// topic. Words that can carry meaning ("ha" in Hà Nội, "so" in số) stay out.
var viStop = set(
	"la", "gi", "nao", "sao", "nhu", "toi", "minh", "em", "ban", "a", "ad",
	"admin", "oi", "nhe", "nha", "vay", "thi", "va", "o", "ve", "nay", "do",
	"lam", "nhi", "khi", "nhung", "cac", "mot", "biet", "giup", "hay",
	"luc", "roi", "chua", "se", "bot", "loa", "vui", "long", "hoac", "tu",
	"den", "trong", "tren", "vao", "ah", "ak", "uh", "um", "ok", "oke", "hi",
	"hello", "chao", "cai", "viec", "nguoi", "khong", "bi", "nua", "luon",
	"gio", "ne", "kia", "xin", "voi", "cua", "duoc", "cho", "phai",
	"may",
	// conversational filler around a question
	"muon", "hoi", "chut", "dum", "thac", "mac",
	// "nó", "ấy" point back at the subject the message already named
	// ("iHanoi, nó có những tính năng gì"); the KB never writes them
	"no", "ay",
)

// viAbbrev expands chat shorthand and common abbreviations (already folded).
var viAbbrev = map[string][]string{
	"k": {"khong"}, "ko": {"khong"}, "hk": {"khong"}, "kh": {"khong"}, "khg": {"khong"}, "kg": {"khong"}, "hok": {"khong"},
	"hong": {"khong"}, "hem": {"khong"}, "dc": {"duoc"}, "dk": {"dang", "ky"},
	"dki": {"dang", "ky"}, "dky": {"dang", "ky"}, "ki": {"ky"}, "j": {"gi"},
	"z": {"vay"}, "v": {"vay"}, "ntn": {"nhu", "nao"}, "bn": {"bao", "nhieu"},
	"bnhiu": {"bao", "nhieu"}, "nhiu": {"nhieu"}, "cds": {"chuyen", "doi", "so"},
	"dvc": {"dich", "vu", "cong"}, "dvctt": {"dich", "vu", "cong", "truc", "tuyen"},
	"tk": {"tai", "khoan"}, "qd": {"quyet", "dinh"}, "sdt": {"so", "dien", "thoai"},
	"dt": {"dien", "thoai"}, "cccd": {"can", "cuoc", "cong", "dan"},
	"cmnd": {"chung", "minh", "nhan", "dan"}, "cmt": {"chung", "minh", "nhan", "dan"},
	"ttg": {"thu", "tuong"}, "ubnd": {"uy", "ban", "nhan", "dan"}, "nq": {"nghi", "quyet"},
	"hn": {"ha", "noi"}, "hcm": {"ho", "chi", "minh"}, "tp": {"thanh", "pho"},
	"tphcm": {"ho", "chi", "minh"}, "mk": {"mat", "khau"}, "ng": {"nguoi"},
	"bh": {"bao", "gio"}, "bjo": {"bao", "gio"}, "bhyt": {"bao", "hiem", "y", "te"},
	"tthc": {"thu", "tuc", "hanh", "chinh"}, "ttpvhcc": {"trung", "tam", "phuc", "vu", "hanh", "chinh", "cong"},
	"ld": {"lua", "dao"}, "vs": {"voi"}, "ns": {"noi"},
	"ae": {"anh", "em"}, "mn": {"moi", "nguoi"}, "ib": {"nhan", "tin"},
	"nd": {"nghi", "dinh"}, "xh": {"xa", "hoi"}, "cp": {"chinh", "phu"},
	"bca": {"bo", "cong", "an"}, "cqs": {"chinh", "quyen", "so"}, "stk": {"so", "tai", "khoan"},
	"nh": {"ngan", "hang"}, "ttknm": {"thanh", "toan", "khong", "tien", "mat"},
	"dlcn": {"du", "lieu", "ca", "nhan"}, "csdl": {"co", "so", "du", "lieu"},
	"bcd": {"ban", "chi", "dao"}, "dinhdanh": {"dinh", "danh"},
	"ihn": {"ihanoi"}, "app": {"ung", "dung"}, "apps": {"ung", "dung"},
	"ngdan": {"nguoi", "dan"}, "wa": {"qua"}, "ntin": {"nhan", "tin"}, "tn": {"tin", "nhan"},
	"cnsc": {"cong", "nghe", "so"}, "qg": {"quoc", "gia"},
	"online": {"truc", "tuyen"}, "onl": {"truc", "tuyen"}, "hotline": {"tong", "dai"},
	"smartphone": {"dien", "thoai"}, "facebook": {"mang", "xa", "hoi"},
	"fb": {"mang", "xa", "hoi"},
	"kn": {"ky", "nang"}, "ktra": {"kiem", "tra"},
	"lv": {"muc"}, "lvl": {"muc"}, "level": {"muc"}, "lv1": {"muc1"}, "lv2": {"muc2"},
	"m1": {"muc1"}, "m2": {"muc2"}, "lm": {"lam"}, "r": {"roi"}, "ms": {"moi"},
	"cx": {"cung"}, "bik": {"biet"}, "bit": {"biet"}, "lun": {"luon"}, "mun": {"muon"},
	"khum": {"khong"}, "trc": {"truoc"}, "dt2": {"dinh", "danh", "muc2"},
	"gplx": {"giay", "phep", "lai", "xe"}, "vnid": {"vneid"}, "ddđt": {"dinh", "danh", "dien", "tu"},
	"dddt": {"dinh", "danh", "dien", "tu"}, "otp": {"otp"}, "pass": {"mat", "khau"},
	"password": {"mat", "khau"}, "pw": {"mat", "khau"}, "acc": {"tai", "khoan"},
}

// enStop holds English function words and question words.
var enStop = set(
	"the", "a", "an", "is", "are", "was", "were", "be", "what", "how", "do",
	"doe", "did", "i", "my", "me", "to", "of", "in", "on", "for", "can", "could",
	"about", "which", "whom", "you", "your", "it", "its",
	"this", "that", "these", "those", "and", "or", "please", "pl", "plz", "hi",
	"hello", "tell", "know", "want", "there", "with", "at", "from", "by", "as",
	"will", "would", "should", "get", "any", "some", "we", "our", "us", "u",
	"hey", "thank", "thanks", "does", "has", "have", "should", "am",
	"if", "so", "than", "then", "just", "also", "into", "out", "up", "need",
	"one", "someone", "way", "much", "many", "still", "ok", "bot", "loa",
	"s", "t", "m", "d", "ll", "re", "ve", "explain", "exactly", "mean",
	"he", "she", "they", "him", "her", "them", "got", "tell", "say", "said",
	"told", "via", "true", "really",
	// conversational filler around a question
	"actually", "basically", "hear", "heard", "hearing", "keep", "wondering", "wonder", "curious",
	"quick", "question", "ask", "asking", "anyone", "sorry", "bother", "thing", "stuff", "guys",
	"lol", "yo", "gotta", "gonna", "wanna", "kinda", "grandma", "grandpa", "mom", "dad", "mum",
	"parents", "wife", "husband", "friend", "lot", "here", "now", "what's", "whats", "now",
)

// enAbbrev expands English chat shorthand and Vietnamese acronyms residents
// type even when writing English.
var enAbbrev = map[string][]string{
	"dt": {"digital", "transformation"}, "govt": {"government"}, "gov": {"government"},
	"pm": {"prime", "minister"}, "ur": {"your"}, "r": {"are"},
	"pls": {"please"}, "thx": {"thanks"}, "info": {"information"},
	"hn": {"hanoi"}, "vn": {"vietnam"},
	"cccd": {"id", "card"}, "dvc": {"public", "service"},
	"cds": {"digital", "transformation"},
	"txt": {"text"}, "msg": {"message"}, "w": {"with"}, "abt": {"about"},
	"kid": {"child"}, "kids": {"child"}, "children": {"child"}, "son": {"child"},
	"daughter": {"child"}, "tech": {"technology"},
	"program": {"programme"}, "programs": {"programme"},
	"pretend": {"claim"}, "pretending": {"claim"}, "posing": {"claim"}, "pose": {"claim"}, "online": {"online"},
	// Asking for a site or address is asking where to go.
	"site": {"website", "where"}, "sites": {"website", "where"}, "web": {"website", "where"},
	"website": {"website", "where"}, "url": {"website", "where"}, "address": {"address", "where"},
	"plastic": {"physical"},
	"wat":     {"what"}, "wht": {"what"}, "hw": {"how"}, "4": {"for"},
	"legit": {"scam"}, "legitimate": {"scam"}, "lv": {"level"}, "lvl": {"level"},
	"lv2": {"level2"}, "lv1": {"level1"}, "pwd": {"password"}, "pw": {"password"},
	"acct": {"account"},
	"now":  {"_now"}, "currently": {"_now"}, "current": {"current", "_now"}, "latest": {"latest", "_now"},
}

// enJoins and viJoins merge word pairs the KB spells as one word, and turn
// question phrases into intent markers ("_def" for "what is"/"là gì",
// "_when", "_why", "_where"). The words themselves are stop words, but the
// intent they carry separates "iHanoi là gì" from "iHanoi có chức năng gì".
var enJoins = map[string]map[string]string{
	"ha":   {"noi": "hanoi"},
	"viet": {"nam": "vietnam"},
	"i":    {"hanoi": "ihanoi"},
	"e":    {"id": "eid", "mail": "email", "wallet": "ewallet"},
	// "electronic ID" and "digital ID" are what the KB calls e-ID.
	"electronic": {"id": "eid"},
	"digital":    {"id": "eid"},
	"year":       {"old": "child"}, // "my 10 year old"
	"vn":         {"eid": "vneid"},
	"what":       {"is": "_def", "are": "_def", "s": "_def"},
	// Level 1 and level 2 accounts are different entries: keep the number
	// with the word so "activate level 2" cannot match "activate level 1".
	"level": {"1": "level1", "2": "level2", "one": "level1", "two": "level2"},
	"lv":    {"1": "level1", "2": "level2"},
	"lvl":   {"1": "level1", "2": "level2"},
}

var viJoins = map[string]map[string]string{
	"o":   {"ga": "oga", "dau": "_where"}, // ổ gà (pothole); ở đâu (where)
	"i":   {"hanoi": "ihanoi"},
	"vn":  {"eid": "vneid"},
	"e":   {"mail": "email"},
	"la":  {"gi": "_def", "j": "_def", "sao": "_def"},
	"khi": {"nao": "_when"},
	"may": {"ngay": "_long"}, // mấy ngày (how long); "ngày mấy" is a date
	// phạt nguội (camera fine) folds to a stop word, "người": keep it whole.
	"phat": {"nguoi": "phatnguoi"},
	// Compounds with a syllable that folds to a stop word: "thông minh"
	// (mình), "hiệu lực" (lúc), "bảo vệ" (về), "cơ bản" (bạn). Joined,
	// they keep their meaning.
	"thong": {"minh": "thongminh"},
	"hieu":  {"luc": "hieuluc"},
	"bao":   {"gio": "_when", "h": "_when", "lau": "_long", "ve": "baove"},
	"co":    {"ban": "coban"},
	// "cú pháp" (SMS syntax) and "giải pháp" fold apart to "phap", which
	// is also "Pháp" (France): joined, "Thủ đô của Pháp" shares nothing
	// with the SMS syntax entry.
	"cu":   {"phap": "cuphap"},
	"giai": {"phap": "giaiphap"},
	"phap": {"ly": "phaply", "luat": "phapluat"},
	"luc":  {"nao": "_when"},
	"vi":   {"sao": "_why"},
	"tai":  {"sao": "_why"},
	// mức 1 / mức 2 (e-ID levels) are different entries: keep the number.
	"muc":   {"1": "muc1", "2": "muc2"},
	"level": {"1": "muc1", "2": "muc2"},
	"lv":    {"1": "muc1", "2": "muc2"},
	"lvl":   {"1": "muc1", "2": "muc2"},
}

// viMarks add an intent marker after the question phrases whose last word
// is a stop word, so that "ngày nào", "tháng mấy" (a date) and "chỗ nào",
// "qua đâu" (a place) weigh like "khi nào" and "ở đâu".
var viMarks = map[string]map[string]string{
	"ngay": {"nao": "_when", "may": "_when"},
	// "năm nay", "hiện nay", "bây giờ", "mới nhất": the current entry of a
	// topic (DTI 2024, this year's theme), not its history.
	"nam":   {"nao": "_when", "may": "_when", "nay": "_now"},
	"hien":  {"nay": "_now", "tai": "_now", "gio": "_now"},
	"bay":   {"gio": "_now"},
	"moi":   {"nhat": "_now"},
	"gan":   {"nhat": "_now"},
	"hom":   {"nao": "_when"},
	"thang": {"nao": "_when", "may": "_when"},
	"cho":   {"nao": "_where"},
	"noi":   {"nao": "_where"},
	"qua":   {"dau": "_where"},
	"den":   {"dau": "_where"},
	"tai":   {"dau": "_where"},
	"trang": {"nao": "_where"},
	"web":   {"nao": "_where"},
	"dia":   {"chi": "_where"},
	"ra":    {"dau": "_where"},
	"di":    {"dau": "_where"},
	// "làm gì", "việc gì": what someone does, not what it is ("tổ công
	// nghệ số làm gì" against "tổ công nghệ số là gì")
	"lam":  {"gi": "_task"},
	"viec": {"gi": "_task"},
	// "qua các năm": a topic's history (see weightHistory); residents
	// also say "qua từng năm", "những năm qua", "lên xuống thế nào"
	"cac":   {"nam": "_hist"},
	"tung":  {"nam": "_hist"},
	"nhung": {"nam": "_hist"},
	"len":   {"xuong": "_hist"},
}

var enMarks = map[string]map[string]string{
	"what":  {"date": "when", "day": "when", "year": "when"},
	"which": {"date": "when", "day": "when", "year": "when"},
	"how":   {"long": "_long"},
	"this":  {"year": "_now"},
	"right": {"now": "_now"},
	"the":   {"years": "_hist"}, // "over the years", "through the years"
	// "what does Hanoi do on 10/10", "what do the teams do", "what do
	// they help with": what someone does, not what it is (as "làm gì")
	"hanoi": {"do": "_task"}, "city": {"do": "_task"}, "ward": {"do": "_task"},
	"team": {"do": "_task"}, "teams": {"do": "_task"}, "they": {"do": "_task", "help": "_task"},
}

// intentWords are the question-word terms that weightIntent boosts.
var intentWords = set("_def", "_when", "_why", "_where", "_long", "_task", "when", "why", "where", "who", "ai")
