package tghtml

import (
	"strings"
	"unicode/utf8"
)

// Sanitize turns author-written HTML into HTML that Parse (and Telegram)
// accepts, changing as little as it can:
//   - allowed tags are kept in canonical form, with only the attributes
//     Telegram uses; a link whose href is not http, https, tg or mailto, a
//     span that is not a spoiler and a tg-emoji without a numeric id lose
//     their tags (their text stays);
//   - anything else that looks like markup (<script>, <div>, a bare "<",
//     an "&" that starts no entity, a stray end tag) is escaped, so it
//     shows literally instead of being interpreted;
//   - an end tag closes the tags opened inside it (HTML's forgiving rule),
//     and tags still open at the end are closed;
//   - invalid UTF-8 becomes U+FFFD.
func Sanitize(s string) string {
	z := sanitizer{}
	z.out.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		i = z.step(s, i)
	}
	for len(z.stack) > 0 {
		z.pop()
	}
	return z.out.String()
}

type sanFrame struct {
	name    string
	dropped bool // tag refused: swallow its end tag, emit nothing
}

type sanitizer struct {
	out   strings.Builder
	stack []sanFrame
}

// step consumes the construct at s[i] and returns the index after it.
func (z *sanitizer) step(s string, i int) int {
	switch s[i] {
	case '<':
		if n, ok := z.tag(s, i); ok {
			return n
		}
		z.out.WriteString("&lt;")
		return i + 1
	case '&':
		if r, n, ok := decodeEntity(s, i); ok {
			escapeTo(&z.out, string(r))
			return n
		}
		z.out.WriteString("&amp;")
		return i + 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		z.out.WriteRune(utf8.RuneError)
		return i + 1
	}
	escapeTo(&z.out, s[i:i+size])
	return i + size
}

// tag handles a tag Telegram would accept; ok is false when s[i] must be
// shown as a literal "<".
func (z *sanitizer) tag(s string, i int) (int, bool) {
	t, err := readTag(s, i)
	if err != nil {
		return 0, false
	}
	if t.end {
		return t.next, z.closeTo(strings.ToLower(t.name))
	}
	info, err := interpret(t, i)
	if err != nil {
		z.stack = append(z.stack, sanFrame{name: t.name, dropped: true})
		return t.next, true
	}
	z.out.WriteString(info.String())
	z.stack = append(z.stack, sanFrame{name: t.name})
	return t.next, true
}

// closeTo closes the innermost open tag called name and everything opened
// inside it; false when no such tag is open (the end tag is then text).
func (z *sanitizer) closeTo(name string) bool {
	for k := len(z.stack) - 1; k >= 0; k-- {
		if name != "" && z.stack[k].name != name {
			continue
		}
		for len(z.stack) > k {
			z.pop()
		}
		return true
	}
	return false
}

func (z *sanitizer) pop() {
	f := z.stack[len(z.stack)-1]
	z.stack = z.stack[:len(z.stack)-1]
	if !f.dropped {
		z.out.WriteString("</" + f.name + ">")
	}
}
