package faq

import "strings"

// MaskedDigits replaces a masked number in MaskNumbers' output. It holds no
// digit, so masking twice changes nothing.
const MaskedDigits = "•••"

// maskMinDigits is the shortest run masked whatever its shape: a mobile
// number (10 digits, or 9 after +84), an old ID card (9), a citizen ID (12)
// and most bank accounts are at least this long.
const maskMinDigits = 9

// MaskNumbers hides digit runs that may identify a person before a question
// is stored or shown: phone numbers (0912 345 678, +84 912.345.678,
// 024-3825-1234), ID numbers (9 or 12 digits) and bank accounts. A run is a
// sequence of ASCII digits in groups joined by one space, dot or dash, with
// an optional leading "+". It is masked when it has at least 9 digits, or
// exactly 8 not written as a thousands-grouped amount ("10.000.000" stays;
// "38251234" and "1900 1009" go). Short numbers such as "10/10", "156",
// "2024" or "mức 2" are kept.
func MaskNumbers(s string) string {
	var b strings.Builder
	last := 0 // bytes of s already copied to b
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		start := i
		if start > 0 && s[start-1] == '+' {
			start--
		}
		end, digits := scanRun(s, i)
		if digits >= maskMinDigits || digits == maskMinDigits-1 && !thousands(s[i:end]) {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:start])
			b.WriteString(MaskedDigits)
			last = end
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// scanRun returns the end of the digit run starting at s[i] (a digit) and
// how many digits it holds.
func scanRun(s string, i int) (end, digits int) {
	for {
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
		if i+1 < len(s) && isSep(s[i]) && isDigit(s[i+1]) {
			i++
			continue
		}
		return i, digits
	}
}

// thousands reports whether run is written like an amount: 1–3 digits not
// starting with 0, then groups of exactly 3 after "." or ",".
func thousands(run string) bool {
	groups := strings.FieldsFunc(run, func(r rune) bool { return r == '.' || r == ',' })
	if len(groups) < 2 || strings.ContainsAny(run, " -") {
		return false
	}
	if g := groups[0]; len(g) > 3 || g[0] == '0' {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isSep(c byte) bool   { return c == ' ' || c == '.' || c == '-' }
