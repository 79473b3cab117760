// Package fold turns Vietnamese text into a plain, comparable form: lower case,
// no diacritics, đ as d, punctuation as single spaces. "Hoà" and "Hòa", "Thuỵ"
// and "Thụy" fold to the same string, which is how residents type them anyway.
// The FAQ engine and the locality search share it, so both read text alike.
package fold

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize covers Latin-1, Latin Extended-A/B, combining marks and
// Latin Extended Additional (U+1E00–U+1EFF), where every Vietnamese letter lives.
const foldTableSize = 0x1F00

// Values of foldTable: 0 = separator, 1 = drop (combining mark), otherwise the
// ASCII byte the rune folds to.
const (
	foldSep  = 0
	foldDrop = 1
	foldKeep = 2 // a letter or digit with no ASCII base (Cyrillic, Greek...)
)

// foldTable is built once at init and only read afterwards.
var foldTable = buildFoldTable()

func buildFoldTable() *[foldTableSize]byte {
	var t [foldTableSize]byte
	for r := rune(0); r < foldTableSize; r++ {
		t[r] = foldOne(r)
	}
	return &t
}

func foldOne(r rune) byte {
	switch {
	case r == 'đ' || r == 'Đ':
		return 'd'
	case r >= 0x300 && r <= 0x36F:
		return foldDrop
	case r < utf8.RuneSelf:
		return asciiFold(byte(r))
	}
	if unicode.Is(unicode.Mn, r) {
		return foldDrop
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return foldSep
	}
	base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
	if base < utf8.RuneSelf {
		if b := asciiFold(byte(base)); b != foldSep {
			return b
		}
	}
	return foldKeep
}

func asciiFold(b byte) byte {
	switch {
	case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
		return b
	case b >= 'A' && b <= 'Z':
		return b + 'a' - 'A'
	}
	return foldSep
}

// String normalises Vietnamese (or any Latin) text for matching: lower case,
// diacritics stripped (precomposed NFC or decomposed NFD input alike), đ→d,
// and every run of punctuation or space collapsed to one space, trimmed.
// So "Hoà", "Hòa" and "HOA" all fold to "hoa". It allocates at most once and
// not at all when s is already folded.
func String(s string) string {
	if isFolded(s) {
		return s
	}
	return string(Append(make([]byte, 0, len(s)), s))
}

// isFolded reports whether s is already in String's output form.
func isFolded(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		}
		if b >= utf8.RuneSelf || asciiFold(b) != b {
			return false
		}
		prevSpace = false
	}
	return !prevSpace || len(s) == 0
}

// Append appends the folded form of s to dst, for callers that reuse buffers.
func Append(dst []byte, s string) []byte {
	start := len(dst)
	pendingSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		var out byte
		var rn rune
		if c < utf8.RuneSelf {
			out = asciiFold(c)
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if r < foldTableSize {
				out = foldTable[r]
				if out == foldKeep {
					out, rn = 0, unicode.ToLower(r)
				}
			} else {
				out, rn = foldOther(r)
			}
		}
		switch {
		case out == foldDrop:
			continue
		case out == foldSep && rn == 0:
			pendingSpace = len(dst) > start
			continue
		}
		if pendingSpace {
			dst = append(dst, ' ')
			pendingSpace = false
		}
		if rn != 0 {
			dst = utf8.AppendRune(dst, rn)
		} else {
			dst = append(dst, out)
		}
	}
	return dst
}

// foldOther handles runes outside the table: non-Latin letters and digits are
// kept (lower-cased) so that other scripts still tokenise; the rest separates.
func foldOther(r rune) (byte, rune) {
	if unicode.Is(unicode.Mn, r) {
		return foldDrop, 0
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return 0, unicode.ToLower(r)
	}
	return foldSep, 0
}

// HasMarks reports whether s has a letter with a diacritic (or đ) that folds
// to ASCII: English text practically never has one, Vietnamese nearly always.
func HasMarks(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < foldTableSize && (foldTable[r] > foldKeep || foldTable[r] == foldDrop) {
			return true
		}
	}
	return false
}
