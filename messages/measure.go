package messages

import (
	"strings"
	"unicode/utf8"
)

// NamePlaceholder is replaced by the recipient's first name (Personalize).
const NamePlaceholder = "{name}"

// measure is tghtml.Len with each {name} counted at MaxNameLen, the most a
// Telegram first name can add once personalised.
func measure(plain string) int {
	n := 0
	for i := 0; i < len(plain); {
		u, size := unitAt(plain, i)
		n += u
		i += size
	}
	return n
}

// unitAt returns the UTF-16 length and byte size of the rune (or whole
// {name} placeholder, which must never be cut) at plain[i].
func unitAt(plain string, i int) (units, size int) {
	c := plain[i]
	if c == '{' && strings.HasPrefix(plain[i:], NamePlaceholder) {
		return MaxNameLen, len(NamePlaceholder)
	}
	if c < utf8.RuneSelf {
		return 1, 1
	}
	r, size := utf8.DecodeRuneInString(plain[i:])
	if r >= 0x10000 {
		return 2, size
	}
	return 1, size
}
