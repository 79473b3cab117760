package zalo

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/messages/tghtml"
)

// Part is one Zalo message: a photo (Text is then its caption, possibly
// empty) or a plain text.
type Part struct {
	Text     string
	PhotoURL string
}

// PlainText renders Loa's markup (the Telegram-HTML subset of campaign
// content and bot replies) as the plain text Zalo shows: tags dropped,
// entities decoded, and each link written as "text (address)", or just the
// address when that is its text. A mailto link shows the address without
// "mailto:". Markup that does not parse is first repaired by
// tghtml.Sanitize, so PlainText never fails and never shows a tag.
func PlainText(html string) string {
	toks, err := tghtml.Tokenize(html)
	if err != nil {
		if toks, err = tghtml.Tokenize(tghtml.Sanitize(html)); err != nil {
			return html // unreachable: Sanitize's output always parses
		}
	}
	var b strings.Builder
	b.Grow(len(html))
	type open struct {
		href  string
		start int // b.Len() at the start tag
	}
	var stack []open
	for _, t := range toks {
		switch t.Kind {
		case tghtml.Text:
			b.WriteString(t.Text)
		case tghtml.StartTag:
			o := open{start: b.Len()}
			if t.Name == "a" {
				o.href = hrefOf(t.Tag)
			}
			stack = append(stack, o)
		case tghtml.EndTag:
			if len(stack) == 0 {
				continue
			}
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if o.href != "" {
				writeLink(&b, b.String()[o.start:], o.href)
			}
		}
	}
	return b.String()
}

// hrefOf reads the address out of a canonical `<a href="…">` tag
// (tghtml.Token.Tag), undoing tghtml.Escape.
func hrefOf(tag string) string {
	v, ok := strings.CutPrefix(tag, `<a href="`)
	if !ok {
		return ""
	}
	return unescape.Replace(strings.TrimSuffix(v, `">`))
}

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&")

// writeLink follows the link's text (already written) with its address,
// unless the text already says it.
func writeLink(b *strings.Builder, text, href string) {
	shown := strings.TrimPrefix(href, "mailto:")
	t := strings.TrimSpace(text)
	switch {
	case t == "":
		b.WriteString(shown)
	case sameAddress(t, href) || sameAddress(t, shown):
	default:
		b.WriteString(" (" + shown + ")")
	}
}

// sameAddress: "https://vneid.gov.vn/" and "vneid.gov.vn" name the same page
// for a reader.
func sameAddress(text, href string) bool {
	norm := func(s string) string {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
		return strings.TrimSuffix(strings.TrimPrefix(s, "www."), "/")
	}
	return text == href || strings.EqualFold(norm(text), norm(href))
}

// Len measures plain text as Loa budgets Zalo's "characters": UTF-16
// units (an emoji outside the BMP is 2), with each {name} placeholder
// counted at messages.MaxNameLen so personalisation can never push a part
// over the limit. The platform does not say how it counts; UTF-16 units
// are never fewer than code points, so a part that fits here fits there.
func Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		u, size := unitAt(s, i)
		n += u
		i += size
	}
	return n
}

func unitAt(s string, i int) (units, size int) {
	if s[i] == '{' && strings.HasPrefix(s[i:], messages.NamePlaceholder) {
		return messages.MaxNameLen, len(messages.NamePlaceholder)
	}
	if s[i] < utf8.RuneSelf {
		return 1, 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r >= 0x10000 {
		return 2, size
	}
	return 1, size
}

// Split cuts plain text into parts of at most limit units (Len) each: at
// the last paragraph break that fits, else the last line break, else after
// the last sentence, else at the last space, else (a word longer than the
// limit) after the last character that fits, never inside a {name} nor
// between a letter and its combining marks. Whitespace at a cut is
// dropped. More than maxParts parts (when maxParts > 0) is an error
// wrapping messages.ErrTooManyParts; empty text wraps messages.ErrEmpty.
func Split(text string, limit, maxParts int) ([]string, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("zalo: split: limit %d", limit)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, fmt.Errorf("zalo: split: %w", messages.ErrEmpty)
	}
	var parts []string
	for text != "" {
		if maxParts > 0 && len(parts) == maxParts {
			return nil, fmt.Errorf("zalo: split: %w: more than %d parts of %d characters", messages.ErrTooManyParts, maxParts, limit)
		}
		if Len(text) <= limit {
			parts = append(parts, text)
			break
		}
		cut := cutAt(text, limit)
		parts = append(parts, strings.TrimRightFunc(text[:cut], unicode.IsSpace))
		text = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
	}
	return parts, nil
}

// cutAt returns where the first part of text (longer than limit) ends.
func cutAt(text string, limit int) int {
	fit, units := 0, 0
	for fit < len(text) {
		u, size := unitAt(text, fit)
		if units+u > limit {
			break
		}
		units += u
		fit += size
	}
	head := text[:fit]
	for _, find := range []func(string) int{lastParagraph, lastLine, lastSentence, lastSpace} {
		if i := find(head); i > 0 && strings.TrimSpace(head[:i]) != "" {
			return i
		}
	}
	// Hard cut: step back over combining marks so a letter keeps its accents.
	for fit > 0 {
		r, _ := utf8.DecodeRuneInString(text[fit:])
		if !unicode.Is(unicode.Mn, r) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(text[:fit])
		fit -= size
	}
	if fit == 0 { // a {name} or one character wider than limit: take it whole
		_, fit = unitAt(text, 0)
	}
	return fit
}

func lastParagraph(s string) int { return strings.LastIndex(s, "\n\n") }

func lastLine(s string) int { return strings.LastIndexByte(s, '\n') }

// lastSentence is the index of the space after the last ". ", "! ", "? ",
// "… ", ": " or "; ".
func lastSentence(s string) int {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ' ' {
			continue
		}
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		switch r {
		case '.', '!', '?', '…', ':', ';':
			return i
		}
	}
	return -1
}

func lastSpace(s string) int {
	return strings.LastIndexFunc(s, unicode.IsSpace)
}

// Render turns one locale's campaign content into the Zalo messages to
// send, in order:
//   - the text is PlainText; a button becomes a last line "label: address"
//     (Zalo has no buttons);
//   - with a photo and text that fits a caption: one photo with caption;
//   - with a photo and longer text: the photo alone, then the text;
//   - text over MaxTextLen is split (Split, at most messages.MaxParts parts)
//     when split is true, refused (messages.ErrTooLong) otherwise.
//
// {name} stays in the parts, budgeted by Len; fill it with Personalize.
func Render(v messages.Variant, split bool) ([]Part, error) {
	text := strings.TrimSpace(PlainText(v.Text))
	if v.ButtonURL != "" {
		line := v.ButtonURL
		if label := strings.TrimSpace(PlainText(v.ButtonText)); label != "" && !sameAddress(label, v.ButtonURL) {
			line = label + ": " + v.ButtonURL
		}
		if text != "" {
			text += "\n\n"
		}
		text += line
	}
	n := Len(text)
	switch {
	case v.PhotoURL != "" && n <= MaxCaptionLen:
		return []Part{{PhotoURL: v.PhotoURL, Text: text}}, nil
	case text == "":
		return nil, fmt.Errorf("zalo: render: %w", messages.ErrEmpty)
	case n > MaxTextLen && !split:
		return nil, fmt.Errorf("zalo: render: %w: %d characters, Zalo's limit is %d", messages.ErrTooLong, n, MaxTextLen)
	}
	var parts []Part
	if v.PhotoURL != "" {
		parts = append(parts, Part{PhotoURL: v.PhotoURL})
	}
	texts, err := Split(text, MaxTextLen, messages.MaxParts)
	if err != nil {
		return nil, err
	}
	for _, t := range texts {
		parts = append(parts, Part{Text: t})
	}
	return parts, nil
}

// Personalize fills {name} with a resident's display name as plain text
// (no HTML escaping: Zalo shows text as is), cut to messages.MaxNameLen
// units, the budget Len gave it.
func Personalize(text, name string) string {
	if !strings.Contains(text, messages.NamePlaceholder) {
		return text
	}
	name = strings.TrimSpace(name)
	if Len(name) > messages.MaxNameLen {
		units, end := 0, 0
		for end < len(name) {
			u, size := unitAt(name, end)
			if name[end] == '{' {
				u, size = 1, 1 // a literal "{name}" in a name is just text here
			}
			if units+u > messages.MaxNameLen {
				break
			}
			units += u
			end += size
		}
		name = name[:end]
	}
	return strings.ReplaceAll(text, messages.NamePlaceholder, name)
}
