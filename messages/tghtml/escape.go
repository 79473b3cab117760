package tghtml

import "strings"

// Escape makes s safe as HTML text or as a quoted attribute value: it
// escapes <, >, & and ". Text without those characters is returned as is,
// without allocating, because Escape runs once per recipient for names.
func Escape(s string) string {
	if strings.IndexAny(s, `<>&"`) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	escapeTo(&b, s)
	return b.String()
}

func escapeTo(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '&':
			rep = "&amp;"
		case '"':
			rep = "&quot;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(rep)
		last = i + 1
	}
	b.WriteString(s[last:])
}
