package messages

import (
	"fmt"
	"strings"

	"github.com/loa-vn/loa/messages/tghtml"
)

// Part is one Telegram message: a photo (Text is then its caption, possibly
// empty) or a text message, with an optional URL button.
type Part struct {
	Text       string
	PhotoURL   string
	ButtonText string
	ButtonURL  string
}

// Render turns a variant into the messages to send, in order:
//
//   - Without a photo: one text message, or with split, as many as needed,
//     cut at paragraph boundaries ("\n\n"), else at line ends, else after a
//     sentence or at a space, else (a 4096-character word) anywhere but
//     inside a character or a {name}. Every part is valid HTML on its own:
//     tags open at a cut are closed there and reopened in the next part.
//   - With a photo and text that fits a caption (1024): one photo message
//     with the text as caption.
//   - With a photo and longer text: the photo first, without caption, then
//     the text as above. Sending the photo first keeps it at the top, where
//     the author put it; a caption cannot be split. (Validate refuses this
//     case for authored content; Render still handles it so that it never
//     fails on content that skipped validation.)
//
// The button goes on the last part, where a resident finishes reading.
// Text is sent unchanged when it needs no cut; cut parts are re-serialised
// from the parsed text (same visible text and formatting). Lengths budget
// {name} at MaxNameLen so Personalize can run on the parts afterwards.
func Render(v Variant, split bool) ([]Part, error) {
	toks, err := tghtml.Tokenize(v.Text)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	plain := plainOf(toks)
	empty := strings.TrimSpace(plain) == ""
	n := measure(plain)
	var parts []Part
	switch {
	case v.PhotoURL != "" && n <= MaxCaptionLen:
		parts = []Part{{Text: v.Text, PhotoURL: v.PhotoURL}}
		if empty {
			parts[0].Text = ""
		}
	case empty:
		return nil, fmt.Errorf("render: %w", ErrEmpty)
	default:
		if v.PhotoURL != "" {
			parts = append(parts, Part{PhotoURL: v.PhotoURL})
		}
		texts, err := renderTexts(v.Text, toks, n, split)
		if err != nil {
			return nil, err
		}
		for _, t := range texts {
			parts = append(parts, Part{Text: t})
		}
	}
	last := &parts[len(parts)-1]
	last.ButtonText, last.ButtonURL = v.ButtonText, v.ButtonURL
	return parts, nil
}

func renderTexts(text string, toks []tghtml.Token, n int, split bool) ([]string, error) {
	if n <= MaxTextLen {
		return []string{text}, nil
	}
	if !split {
		return nil, fmt.Errorf("render: %w: %d characters, limit %d", ErrTooLong, n, MaxTextLen)
	}
	texts := splitHTML(toks, MaxTextLen)
	if len(texts) > MaxParts {
		return nil, fmt.Errorf("render: %w: %d parts, at most %d", ErrTooManyParts, len(texts), MaxParts)
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
