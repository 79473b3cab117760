package faq

import (
	"strings"
	"unicode"
)

// shownSpan finds folded, a run of folded words, in question and returns
// that run as the resident typed it, trimmed of the punctuation around it,
// so that a reply quotes "Cầu Giấy", not "cau giay". It returns folded
// when the run is not there word for word (a typo the engine mended).
func shownSpan(question, folded string) string {
	want := strings.Fields(folded)
	if len(want) == 0 {
		return folded
	}
	type tok struct {
		word string
		at   int // index into words
	}
	words := strings.Fields(question)
	var toks []tok
	for i, w := range words {
		for _, f := range strings.Fields(Fold(w)) {
			toks = append(toks, tok{f, i})
		}
	}
	for i := 0; i+len(want) <= len(toks); i++ {
		match := true
		for j, w := range want {
			if toks[i+j].word != w {
				match = false
				break
			}
		}
		if match {
			span := strings.Join(words[toks[i].at:toks[i+len(want)-1].at+1], " ")
			return strings.TrimFunc(span, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
		}
	}
	return folded
}
