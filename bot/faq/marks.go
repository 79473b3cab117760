package faq

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// typedAsOther says whether raw, typed with diacritics, writes the name's
// letters with other marks wherever its folded form matches the name:
// "không dùng tiền mặt" folds to the words of Xã Dũng Tiến, but "dùng" is
// not "Dũng". A word typed without marks matches any (residents often
// type none), and where the tone sits on the vowels does not count ("hoà"
// is "hòa"). A name not found word for word in raw is not judged.
func typedAsOther(raw, name string) bool {
	nameWords := strings.Fields(strings.ToLower(name))
	words := strings.Fields(strings.ToLower(raw))
	judged, other := false, false
	for i := 0; i+len(nameWords) <= len(words); i++ {
		same, differ := true, false
		for j, nw := range nameWords {
			w := strings.TrimFunc(words[i+j], func(r rune) bool { return !unicode.IsLetter(r) })
			if Fold(w) != Fold(nw) {
				same = false
				break
			}
			if marked(w) && markKey(w) != markKey(nw) {
				differ = true
			}
		}
		if same {
			judged = true
			if !differ {
				return false // written as the name somewhere
			}
			other = true
		}
	}
	return judged && other
}

// marked: the word carries a diacritic (or đ).
func marked(w string) bool { return Fold(w) != w }

// markKey is a word's letters with their vowel marks (â, ă, ơ, ư, đ) and
// its tone apart, so that a tone on either vowel is the same word.
func markKey(w string) string {
	var letters strings.Builder
	tone := rune(0)
	for _, r := range norm.NFD.String(w) {
		switch r {
		case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323': // the five tones
			tone = r
		default:
			letters.WriteRune(r)
		}
	}
	if tone != 0 {
		letters.WriteRune(tone)
	}
	return letters.String()
}

// typedAsOther: every place the query found is a name raw spells with
// other marks, so the question was not about a place at all.
func (q *LocalityQuery) typedAsOther(raw string) bool {
	if len(q.Places) == 0 || !marked(raw) {
		return false
	}
	for _, p := range q.Places {
		words := strings.Fields(p.Name)
		n := len(strings.Fields(core(Fold(p.Name))))
		if !typedAsOther(raw, strings.Join(words[len(words)-n:], " ")) {
			return false
		}
	}
	return true
}
