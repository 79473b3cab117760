package store

import (
	"fmt"
	"unicode"
)

// InvisibleRune returns the first character of s that a name people read
// in lists (staff, agencies, broadcasts, member lists) may not hold: control
// characters and the invisible ones that can disguise a name — format
// characters (Unicode category Cf: right-to-left overrides and isolates,
// zero-width spaces and joiners, soft hyphens, byte-order marks) and line or
// paragraph separators. The staff API and the member-list reader share it.
func InvisibleRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return r, true
		}
	}
	return 0, false
}

// InvisibleMessage completes "the name …" for a refused character.
func InvisibleMessage(r rune) string {
	return fmt.Sprintf("contains an invisible or control character (U+%04X); type the name again without it", r)
}
