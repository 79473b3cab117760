package tghtml

import (
	"strings"
)

// allowedTags are the start tags Telegram's HTML mode knows.
var allowedTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true,
	"s": true, "strike": true, "del": true, "u": true, "ins": true,
	"tg-spoiler": true, "tg-emoji": true, "span": true, "pre": true,
	"code": true, "blockquote": true,
}

type attr struct {
	name, value string
	bare        bool // written without "=value" (only blockquote expandable)
}

// rawTag is a syntactically valid tag before its meaning is checked.
type rawTag struct {
	end   bool
	name  string // lowercased for start tags, as written for end tags
	attrs []attr
	next  int // index just past '>'
}

// readTag reads the tag whose '<' is at s[i], following TDLib's syntax rules
// and error order (the tag name is checked before its attributes).
func readTag(s string, i int) (rawTag, *ParseError) {
	if i+1 < len(s) && s[i+1] == '/' {
		return readEndTag(s, i)
	}
	j := i + 1
	for j < len(s) && !isSpace(s[j]) && s[j] != '>' {
		j++
	}
	if j >= len(s) {
		return rawTag{}, errAt(i, "unclosed start tag")
	}
	t := rawTag{name: strings.ToLower(s[i+1 : j])}
	if !allowedTags[t.name] {
		return rawTag{}, errAt(i, "unsupported start tag %q", t.name)
	}
	for {
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j >= len(s) {
			return rawTag{}, errAt(i, "unclosed start tag")
		}
		if s[j] == '>' {
			t.next = j + 1
			return t, nil
		}
		a, nj, err := readAttr(s, i, j, t.name)
		if err != nil {
			return rawTag{}, err
		}
		t.attrs = append(t.attrs, a)
		j = nj
	}
}

// readAttr reads one attribute starting at s[j] of the tag opened at s[begin].
func readAttr(s string, begin, j int, tag string) (attr, int, *ParseError) {
	start := j
	for j < len(s) && !isSpace(s[j]) && s[j] != '=' && s[j] != '>' {
		j++
	}
	a := attr{name: s[start:j]}
	if a.name == "" {
		return attr{}, 0, errAt(begin, "empty attribute name in the tag %q", tag)
	}
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j >= len(s) {
		return attr{}, 0, errAt(begin, "unclosed start tag %q", tag)
	}
	if s[j] != '=' {
		if tag == "blockquote" && a.name == "expandable" {
			a.bare = true
			return a, j, nil
		}
		return attr{}, 0, errAt(begin, "expected equal sign in declaration of an attribute of the tag %q", tag)
	}
	j++
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j >= len(s) {
		return attr{}, 0, errAt(begin, "unclosed start tag %q", tag)
	}
	var err *ParseError
	if s[j] == '"' || s[j] == '\'' {
		a.value, j = readQuoted(s, j)
	} else {
		a.value, j, err = readNameToken(s, j)
		if err != nil {
			return attr{}, 0, err
		}
	}
	if j >= len(s) {
		return attr{}, 0, errAt(begin, "unclosed start tag")
	}
	return a, j, nil
}

// readNameToken reads an unquoted value: letters, digits, '.' and '-',
// lowercased, as HTML name tokens are case-insensitive.
func readNameToken(s string, j int) (string, int, *ParseError) {
	start := j
	for j < len(s) && (isAlnum(s[j]) || s[j] == '.' || s[j] == '-') {
		j++
	}
	if j < len(s) && !isSpace(s[j]) && s[j] != '>' {
		return "", 0, errAt(start, "unexpected end of name token")
	}
	return strings.ToLower(s[start:j]), j, nil
}

// readQuoted reads a quoted value starting at the quote s[j], decoding
// entities; an undecodable "&" is kept literally, as Telegram does.
func readQuoted(s string, j int) (string, int) {
	q := s[j]
	j++
	var b strings.Builder
	for j < len(s) && s[j] != q {
		if s[j] == '&' {
			if r, nj, ok := decodeEntity(s, j); ok {
				b.WriteRune(r)
				j = nj
				continue
			}
		}
		b.WriteByte(s[j])
		j++
	}
	if j < len(s) {
		j++ // closing quote
	}
	return b.String(), j
}

func readEndTag(s string, i int) (rawTag, *ParseError) {
	j := i + 2
	for j < len(s) && !isSpace(s[j]) && s[j] != '>' {
		j++
	}
	t := rawTag{end: true, name: s[i+2 : j]}
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j >= len(s) || s[j] != '>' {
		return rawTag{}, errAt(i, "unclosed end tag")
	}
	t.next = j + 1
	return t, nil
}
