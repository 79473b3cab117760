package tghtml

import "unicode/utf8"

// Len returns the length of plain text in UTF-16 code units, which is what
// Telegram's "1-4096 characters" limits count: characters outside the Basic
// Multilingual Plane (most emoji) count 2, Vietnamese letters count 1 each
// once composed (NFC) and 2 or 3 if written with combining marks.
func Len(plain string) int {
	n := 0
	for i := 0; i < len(plain); {
		c := plain[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(plain[i:])
		n++
		if r >= 0x10000 {
			n++
		}
		i += size
	}
	return n
}
