package messages

import (
	"fmt"
	"strings"

	"github.com/loa-vn/loa/messages/tghtml"
)

// Part is one message as a channel sends it: a photo (Text is then its
// caption, possibly empty) or a text message, with an optional URL button.
// Text is in the channel's markup (Limits.Markup).
type Part struct {
	Text       string
	PhotoURL   string
	ButtonText string
	ButtonURL  string
}

// Render turns a variant into the Telegram messages to send
// (RenderFor with TelegramLimits).
func Render(v Variant, split bool) ([]Part, error) { return RenderFor(v, split, TelegramLimits) }

// RenderFor turns a variant into the messages one channel takes, in order:
//
//   - Without a photo: one text message, or with split, as many as needed,
//     cut at paragraph boundaries ("\n\n"), else at line ends, else after a
//     sentence or at a space, else (a 4096-character word) anywhere but
//     inside a character or a {name}. Every HTML part is valid on its own:
//     tags open at a cut are closed there and reopened in the next part.
//   - With a photo and text that fits a caption: one photo message with
//     the text as caption.
//   - With a photo and longer text: the photo first, without caption, then
//     the text as above. Sending the photo first keeps it at the top, where
//     the author put it; a caption cannot be split. (Validate refuses this
//     case for authored content; Render still handles it so that it never
//     fails on content that skipped validation.)
//   - On a channel without photos (Caption 0), the photo's address opens
//     the text; without buttons, the button becomes a last line
//     "text: address".
//   - For a plain-text channel, formatting is dropped and a link is written
//     "text (address)".
//
// The button goes on the last part, where a resident finishes reading.
// HTML is sent unchanged when it needs no cut; cut parts are re-serialised
// from the parsed text (same visible text and formatting). Lengths budget
// {name} at MaxNameLen so Personalize can run on the parts afterwards.
func RenderFor(v Variant, split bool, l Limits) ([]Part, error) {
	text, toks, err := channelText(v, l)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	plain := plainOf(toks)
	empty := strings.TrimSpace(plain) == ""
	n := measure(plain)
	photo := v.PhotoURL
	if l.Caption <= 0 {
		photo = ""
	}
	var parts []Part
	switch {
	case photo != "" && n <= l.Caption:
		parts = []Part{{Text: text, PhotoURL: photo}}
		if empty {
			parts[0].Text = ""
		}
	case empty:
		return nil, fmt.Errorf("render: %w", ErrEmpty)
	default:
		if photo != "" {
			parts = append(parts, Part{PhotoURL: photo})
		}
		texts, err := renderTexts(text, toks, n, split, l)
		if err != nil {
			return nil, err
		}
		for _, t := range texts {
			parts = append(parts, Part{Text: t})
		}
	}
	if l.Buttons {
		last := &parts[len(parts)-1]
		last.ButtonText, last.ButtonURL = v.ButtonText, v.ButtonURL
	}
	return parts, nil
}

// channelText is the variant's text as the channel will show it, in its
// markup, and that text's tokens (plain text is one escaped text token
// stream, so the one splitter serves both markups).
func channelText(v Variant, l Limits) (string, []tghtml.Token, error) {
	if l.Markup != MarkupPlain && l.Buttons && (v.PhotoURL == "" || l.Caption > 0) {
		toks, err := tghtml.Tokenize(v.Text) // the usual Telegram case: the text as written
		return v.Text, toks, err
	}
	toks, err := tghtml.Tokenize(v.Text)
	if err != nil {
		return "", nil, err
	}
	var text string
	if l.Markup == MarkupPlain {
		text = plainWithLinks(toks)
	} else {
		text = v.Text
	}
	esc := func(s string) string {
		if l.Markup == MarkupPlain {
			return s
		}
		return tghtml.Escape(s)
	}
	if v.PhotoURL != "" && l.Caption <= 0 {
		text = joinPara(esc(v.PhotoURL), text)
	}
	if !l.Buttons && v.ButtonText != "" && v.ButtonURL != "" {
		text = joinPara(text, esc(strings.TrimSpace(v.ButtonText)+": "+v.ButtonURL))
	}
	if l.Markup == MarkupPlain {
		toks, err = tghtml.Tokenize(tghtml.Escape(text))
	} else {
		toks, err = tghtml.Tokenize(text)
	}
	return text, toks, err
}

func joinPara(a, b string) string {
	switch {
	case strings.TrimSpace(a) == "":
		return b
	case strings.TrimSpace(b) == "":
		return a
	}
	return a + "\n\n" + b
}

// plainWithLinks drops the formatting and writes each link as
// "text (address)" (just the address when the text is the address).
func plainWithLinks(toks []tghtml.Token) string {
	var b strings.Builder
	var hrefs []string // one entry per open tag: the href of an <a>, else ""
	var linkText strings.Builder
	for _, t := range toks {
		switch t.Kind {
		case tghtml.Text:
			b.WriteString(t.Text)
			linkText.WriteString(t.Text)
		case tghtml.StartTag:
			h := ""
			if t.Name == "a" {
				h = hrefOf(t.Tag)
				linkText.Reset()
			}
			hrefs = append(hrefs, h)
		case tghtml.EndTag:
			if len(hrefs) == 0 {
				continue
			}
			h := hrefs[len(hrefs)-1]
			hrefs = hrefs[:len(hrefs)-1]
			if h != "" && strings.TrimSpace(linkText.String()) != h {
				b.WriteString(" (" + h + ")")
			}
		}
	}
	return b.String()
}

// hrefOf reads the address from a canonical start tag `<a href="...">`.
func hrefOf(tag string) string {
	const pre = `href="`
	i := strings.Index(tag, pre)
	if i < 0 {
		return ""
	}
	rest := tag[i+len(pre):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	plain, err := tghtml.Parse(rest[:j]) // decode &amp; and friends
	if err != nil {
		return rest[:j]
	}
	return plain
}

func renderTexts(text string, toks []tghtml.Token, n int, split bool, l Limits) ([]string, error) {
	if n <= l.Text {
		return []string{text}, nil
	}
	if !split {
		return nil, fmt.Errorf("render: %w: %d characters, %s allows %d", ErrTooLong, n, l.Channel, l.Text)
	}
	texts := splitHTML(toks, l.Text)
	if len(texts) > MaxParts {
		return nil, fmt.Errorf("render: %w: %d parts, at most %d", ErrTooManyParts, len(texts), MaxParts)
	}
	if l.Markup == MarkupPlain {
		for i, t := range texts {
			plain, err := tghtml.Parse(t) // the splitter speaks HTML: take its escaping off again
			if err != nil {
				return nil, fmt.Errorf("render: %w", err)
			}
			texts[i] = plain
		}
	}
	return texts, nil
}

func plainOf(toks []tghtml.Token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.Kind == tghtml.Text {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}
