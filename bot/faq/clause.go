package faq

import "strings"

// A resident's long message usually opens with a greeting and who they
// are ("Chào em, bác năm nay 68 tuổi, con trai đi làm xa, bác muốn…"),
// then asks. The context words are real words the KB knows ("con",
// "tuổi", "năm nay"), so the whole message is pulled towards whichever
// entry shares them (children's accounts, this year's theme) and scores
// under the accept line. questionClause finds where the asking starts.

// askMarks are the folded words or pairs that say the resident has started
// asking: a wish or request ("muốn", "cho hỏi", "cần"), or a question
// word ("thế nào", "ở đâu", "bao lâu", "không", "gì"). A clause without
// any of them, before the first one that has one, is context.
var askMarks = padded(
	"muon", "cho hoi", "xin hoi", "hoi", "can", "dinh", "nho",
	"lam sao", "the nao", "nhu nao", "ra sao", "o dau", "cho nao", "bao lau", "bao nhieu", "bao gio",
	"khong", "chua", "gi", "nao", "sao", "a", "ha", "hả", "nhi", "the", "vay", "phai khong", "co phai",
	"duoc khong", "co duoc", "la gi")

// askMarksEN are askMarks for English: a question word or a request
// ("a nurse from Manila living in Tay Ho, how do I report…").
var askMarksEN = padded("how", "what", "where", "when", "why", "which", "who", "can i", "can you", "could i",
	"do i", "does", "is it", "is there", "are there", "should i", "want to", "need to", "help me")

// speakerWords are the words a resident names themself or the bot with
// ("bác muốn…", "cháu hỏi…"); at the start of the question clause, before
// its ask mark, they carry nothing about the subject.
var speakerWords = set("bac", "chau", "co", "chu", "ong", "ba", "anh", "chi", "em", "toi", "minh",
	"tui", "tao", "ad", "admin", "loa", "ban", "cac", "moi", "nguoi", "oi", "a", "cho", "xin", "chao",
	"kinh", "thua", "da", "vang", "ma", "nhung", "the", "thi", "gio", "bay", "nay", "con")

// questionClause returns the folded part of q (in lang) from the clause where the
// asking starts, with the speaker words before its ask mark dropped, or ""
// when that is the whole message (nothing to strip).
func questionClause(lang, q string) string {
	marks := askMarks
	if lang == "en" {
		marks = askMarksEN
	}
	clauses := strings.FieldsFunc(q, func(r rune) bool {
		return r == ',' || r == '.' || r == '?' || r == '!' || r == ';' || r == ':' || r == '\n' || r == '…'
	})
	if len(clauses) < 2 {
		return ""
	}
	start := -1
	for i, c := range clauses {
		if hasAny(pad(Fold(c)), marks) {
			start = i
			break
		}
	}
	if start <= 0 {
		return ""
	}
	words := strings.Fields(Fold(strings.Join(clauses[start:], " ")))
	// drop speaker words before the first ask mark within the first words
	for len(words) > 2 && speakerWords[words[0]] {
		words = words[1:]
	}
	if len(words) < 3 {
		return ""
	}
	return strings.Join(words, " ")
}
