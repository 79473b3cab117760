package tghtml

// decodeEntity decodes the character reference starting at s[i] == '&'
// the way TDLib does: only &lt; &gt; &amp; &quot; (case-sensitive) and
// numeric &#NNN; / &#xHH; (lowercase x) are known, the trailing ';' is
// optional, and code points 0, surrogates and >= 0x10FFFF are refused.
// It returns the rune and the index just past the reference.
func decodeEntity(s string, i int) (rune, int, bool) {
	j := i + 1
	if j < len(s) && s[j] == '#' {
		return decodeNumeric(s, j+1)
	}
	for j < len(s) && isAlpha(s[j]) {
		j++
	}
	var r rune
	switch s[i+1 : j] {
	case "lt":
		r = '<'
	case "gt":
		r = '>'
	case "amp":
		r = '&'
	case "quot":
		r = '"'
	default:
		return 0, 0, false
	}
	return r, skipSemicolon(s, j), true
}

func decodeNumeric(s string, j int) (rune, int, bool) {
	base := rune(10)
	if j < len(s) && s[j] == 'x' {
		base = 16
		j++
	}
	var r rune
	for ; j < len(s); j++ {
		d := digitValue(s[j], base)
		if d < 0 {
			break
		}
		r = r*base + d
		if r >= 0x10ffff {
			return 0, 0, false
		}
	}
	if r == 0 || (r >= 0xd800 && r <= 0xdfff) {
		return 0, 0, false
	}
	return r, skipSemicolon(s, j), true
}

func digitValue(c byte, base rune) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

func skipSemicolon(s string, j int) int {
	if j < len(s) && s[j] == ';' {
		return j + 1
	}
	return j
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isAlnum(c byte) bool { return isAlpha(c) || (c >= '0' && c <= '9') }

// isSpace is TDLib's td::is_space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == '\v'
}
