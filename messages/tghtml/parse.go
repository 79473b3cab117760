package tghtml

import (
	"strings"
	"unicode/utf8"
)

// Kind tells what a Token is.
type Kind uint8

// Token kinds.
const (
	Text Kind = iota + 1
	StartTag
	EndTag
)

// Token is one piece of parsed Telegram HTML.
type Token struct {
	Kind Kind
	// Text is the decoded plain text of a Text token.
	Text string
	// Name is the lowercase tag name of a StartTag or EndTag.
	Name string
	// Tag is the canonical HTML of a StartTag (attributes Telegram ignores
	// dropped), safe to re-emit, e.g. to reopen the tag after a cut.
	Tag string
	// Offset is the byte offset of the token in the input.
	Offset int
}

type openTag struct {
	name   string
	offset int
}

// scanner walks Telegram HTML one token at a time, so Parse can build the
// plain text without materialising a token slice.
type scanner struct {
	s     string
	i     int
	stack []openTag
}

// Parse checks s the way Telegram's parse_mode=HTML does (see the package
// comment for where it is stricter) and returns the visible plain text.
// Errors are *ParseError.
func Parse(s string) (string, error) {
	if strings.IndexAny(s, "<&") < 0 {
		if err := checkUTF8(s); err != nil {
			return "", err
		}
		return s, nil // nothing to parse: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	err := walk(s, func(t Token) {
		if t.Kind == Text {
			b.WriteString(t.Text)
		}
	})
	if err != nil {
		return "", err
	}
	return b.String(), nil
}

// Tokenize parses s like Parse and returns its tokens.
func Tokenize(s string) ([]Token, error) {
	var toks []Token
	err := walk(s, func(t Token) { toks = append(toks, t) })
	if err != nil {
		return nil, err
	}
	return toks, nil
}

func walk(s string, emit func(Token)) error {
	if err := checkUTF8(s); err != nil {
		return err
	}
	sc := scanner{s: s}
	for {
		t, ok, err := sc.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		emit(t)
	}
}

func checkUTF8(s string) error {
	if utf8.ValidString(s) {
		return nil
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return errAt(i, "invalid UTF-8")
		}
		i += size
	}
	return nil
}

// next returns the next token; ok is false at the end of valid input.
func (sc *scanner) next() (Token, bool, *ParseError) {
	s, i := sc.s, sc.i
	if i >= len(s) {
		if n := len(sc.stack); n > 0 {
			top := sc.stack[n-1]
			return Token{}, false, errAt(top.offset, "can't find end tag corresponding to start tag %q", top.name)
		}
		return Token{}, false, nil
	}
	switch s[i] {
	case '&':
		r, ni, ok := decodeEntity(s, i)
		if !ok {
			return Token{}, false, errAt(i, `"&" starts no entity (write &amp; for a literal "&")`)
		}
		sc.i = ni
		return Token{Kind: Text, Text: entityText(r), Offset: i}, true, nil
	case '<':
		return sc.tag()
	}
	j := i + 1
	for j < len(s) && s[j] != '<' && s[j] != '&' {
		j++
	}
	sc.i = j
	return Token{Kind: Text, Text: s[i:j], Offset: i}, true, nil
}

// entityText avoids allocating for the four named entities.
func entityText(r rune) string {
	switch r {
	case '<':
		return "<"
	case '>':
		return ">"
	case '&':
		return "&"
	case '"':
		return `"`
	}
	return string(r)
}

func (sc *scanner) tag() (Token, bool, *ParseError) {
	i := sc.i
	isEnd := i+1 < len(sc.s) && sc.s[i+1] == '/'
	if isEnd && len(sc.stack) == 0 {
		return Token{}, false, errAt(i, "unexpected end tag")
	}
	t, err := readTag(sc.s, i)
	if err != nil {
		return Token{}, false, err
	}
	sc.i = t.next
	if isEnd {
		return sc.closeTag(t, i)
	}
	info, err := interpret(t, i)
	if err != nil {
		return Token{}, false, err
	}
	sc.stack = append(sc.stack, openTag{name: t.name, offset: i})
	return Token{Kind: StartTag, Name: t.name, Tag: info.String(), Offset: i}, true, nil
}

// closeTag matches an end tag against the innermost open tag. Like TDLib,
// "</>" closes whatever is open and the comparison is case-sensitive.
func (sc *scanner) closeTag(t rawTag, offset int) (Token, bool, *ParseError) {
	top := sc.stack[len(sc.stack)-1]
	if t.name != "" && t.name != top.name {
		return Token{}, false, &ParseError{
			Offset: offset,
			Reason: "unmatched end tag",
			Detail: `expected "</` + top.name + `>", found "</` + t.name + `>"`,
		}
	}
	sc.stack = sc.stack[:len(sc.stack)-1]
	return Token{Kind: EndTag, Name: top.name, Offset: offset}, true, nil
}
