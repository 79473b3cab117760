// Package fold turns Vietnamese text into a plain, comparable form: lower case,
// no diacritics, đ as d, punctuation as single spaces. "Hoà" and "Hòa", "Thuỵ"
// and "Thụy" fold to the same string, which is how residents type them anyway.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// String folds s. It allocates once, and not at all when s is already folded ASCII.
func String(s string) string {
	if isFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	for _, r := range s {
		r = Rune(r)
		if r < 0 {
			continue
		}
		if r == ' ' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}

// Rune folds one rune: letters lose their marks and case, digits stay, anything
// else (punctuation, symbols, combining marks left alone) becomes a space or vanishes.
func Rune(r rune) rune {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return ' '
	}
	if f, ok := table[r]; ok {
		return f
	}
	if unicode.Is(unicode.Mn, r) { // a decomposed mark: drop it
		return -1
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return unicode.ToLower(r)
	}
	return ' '
}

func isFolded(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			prevSpace = false
		case c == ' ' && !prevSpace:
			prevSpace = true
		default:
			return false
		}
	}
	return !prevSpace || s == ""
}

// table maps every precomposed Vietnamese letter (both cases) to its base letter.
var table = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ",
		'e': "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ",
		'i': "ìíỉĩịÌÍỈĨỊ",
		'o': "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ",
		'u': "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ",
		'y': "ỳýỷỹỵỲÝỶỸỴ",
		'd': "đĐ",
	}
	t := make(map[rune]rune, 140)
	for base, letters := range groups {
		for _, r := range letters {
			t[r] = base
		}
	}
	return t
}()
