package messages

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loa-vn/loa/messages/tghtml"
)

// doc is parsed HTML laid flat: the plain text, and the tags with the byte
// position in plain where each occurs. Cutting the plain text and replaying
// the tags around each piece is simpler and safer than cutting HTML source,
// which could land inside a tag or an entity.
type doc struct {
	plain string
	tags  []tagAt
}

type tagAt struct {
	pos int
	tok tghtml.Token
}

func flatten(toks []tghtml.Token) doc {
	var b strings.Builder
	var d doc
	for _, t := range toks {
		if t.Kind == tghtml.Text {
			b.WriteString(t.Text)
			continue
		}
		d.tags = append(d.tags, tagAt{pos: b.Len(), tok: t})
	}
	d.plain = b.String()
	return d
}

// splitHTML cuts valid Telegram HTML into parts of at most limit units
// (measure) each, every part valid HTML on its own. Whitespace at a cut is
// dropped: Telegram trims it from each message anyway.
func splitHTML(toks []tghtml.Token, limit int) []string {
	d := flatten(toks)
	w := partWriter{d: &d}
	var parts []string
	a := skipSpace(d.plain, 0)
	w.advance(a)
	for a < len(d.plain) {
		end, next := d.cut(a, limit)
		parts = append(parts, w.write(a, end))
		w.advance(next)
		a = next
	}
	return parts
}

// cut picks where the part starting at a ends: the last paragraph break
// within the limit, else the last line break, sentence end, space, or the
// last character that fits. It returns the end of the part's text and the
// start of the next part.
func (d *doc) cut(a, limit int) (end, next int) {
	p := d.plain
	var para, line, sentence, space int
	units := 0
	i := a
	for i < len(p) {
		u, size := unitAt(p, i)
		if units+u > limit {
			break
		}
		if i > a {
			switch {
			case strings.HasPrefix(p[i:], "\n\n"):
				para = i
			case p[i] == '\n':
				line = i
			case p[i] == ' ' || p[i] == '\t':
				space = i
				if endsSentence(p[:i]) {
					sentence = i
				}
			}
		}
		units += u
		i += size
	}
	if i >= len(p) {
		return trimEnd(p, a, len(p)), len(p)
	}
	at := i      // hard cut: as much as fits
	if at <= a { // cannot happen with Telegram's limits; never loop forever
		_, size := unitAt(p, a)
		at = a + size
	}
	for _, c := range []int{para, line, sentence, space} {
		if c > a && trimEnd(p, a, c) > a {
			at = c
			break
		}
	}
	return trimEnd(p, a, at), skipSpace(p, at)
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == '!' || r == '?' || r == '…' || r == ':' || r == ';'
}

func trimEnd(p string, a, end int) int {
	return a + len(strings.TrimRightFunc(p[a:end], unicode.IsSpace))
}

func skipSpace(p string, i int) int {
	return len(p) - len(strings.TrimLeftFunc(p[i:], unicode.IsSpace))
}

// partWriter replays the tags of a doc around successive parts, keeping
// the stack of tags open at the current position.
type partWriter struct {
	d     *doc
	next  int // index in d.tags of the first tag not yet applied
	stack []tghtml.Token
}

// advance applies every tag at or before pos: a tag sitting in dropped
// whitespace between parts belongs to the next part's opening state.
func (w *partWriter) advance(pos int) {
	for w.next < len(w.d.tags) && w.d.tags[w.next].pos <= pos {
		w.apply(w.d.tags[w.next].tok)
		w.next++
	}
}

func (w *partWriter) apply(t tghtml.Token) {
	if t.Kind == tghtml.StartTag {
		w.stack = append(w.stack, t)
	} else if len(w.stack) > 0 {
		w.stack = w.stack[:len(w.stack)-1]
	}
}

// write renders plain[a:end] with the tags open at a reopened first and the
// tags still open at end closed last.
func (w *partWriter) write(a, end int) string {
	var b strings.Builder
	for _, t := range w.stack {
		b.WriteString(t.Tag)
	}
	cur := a
	for w.next < len(w.d.tags) && w.d.tags[w.next].pos < end {
		ta := w.d.tags[w.next]
		b.WriteString(tghtml.Escape(w.d.plain[cur:ta.pos]))
		cur = ta.pos
		b.WriteString(tagHTML(ta.tok))
		w.apply(ta.tok)
		w.next++
	}
	b.WriteString(tghtml.Escape(w.d.plain[cur:end]))
	for k := len(w.stack) - 1; k >= 0; k-- {
		b.WriteString("</" + w.stack[k].Name + ">")
	}
	return b.String()
}

func tagHTML(t tghtml.Token) string {
	if t.Kind == tghtml.StartTag {
		return t.Tag
	}
	return "</" + t.Name + ">"
}
