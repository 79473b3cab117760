package faq

import (
	"strings"
	"unicode"
)

// shownSpan finds folded, a run of folded words, in question and returns
// that run as the resident typed it, so that a reply quotes "Cầu Giấy",
// not "cau giay". Words are cut where folding cuts them (at punctuation
// as well as spaces), so "Cầu Giấy,Hà Nội" gives "Cầu Giấy", not
// "Cầu Giấy,Hà". The first occurrence is quoted. It returns folded when
// the run is not there word for word (a typo the engine mended).
func shownSpan(question, folded string) string {
	want := strings.Fields(folded)
	if len(want) == 0 {
		return folded
	}
	toks := wordSpans(question)
	for i := 0; i+len(want) <= len(toks); i++ {
		if matchesAt(toks[i:], want) {
			return question[toks[i].from:toks[i+len(want)-1].to]
		}
	}
	return folded
}

// wordSpan is one folded word of a text and its byte range there.
type wordSpan struct {
	word     string
	from, to int
}

// wordSpans cuts text into runs of letters, digits and marks, and folds
// each run; a run that folds to several words keeps its range for each.
func wordSpans(text string) []wordSpan {
	var out []wordSpan
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		for _, f := range strings.Fields(Fold(text[start:end])) {
			out = append(out, wordSpan{f, start, end})
		}
		start = -1
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return out
}

func matchesAt(toks []wordSpan, want []string) bool {
	for j, w := range want {
		if toks[j].word != w {
			return false
		}
	}
	return true
}
