package tgfake

import (
	"strings"
	"unicode/utf8"
)

const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

// renderText applies parse_mode the way Telegram does and returns what the
// user will see. Markdown modes are passed through untouched: the fake only
// claims to be strict about HTML, which is what Loa uses.
func renderText(text, mode string) (string, []wireEntity, *Fault) {
	if !utf8.ValidString(text) {
		return "", nil, badRequest("text must be encoded in UTF-8")
	}
	switch strings.ToLower(mode) {
	case "":
		return text, nil, nil
	case "html":
		plain, ents, err := parseHTML(text)
		if err != nil {
			return "", nil, badRequest("can't parse entities: " + err.Error())
		}
		return plain, ents, nil
	case "markdown", "markdownv2":
		return text, nil, nil
	}
	return "", nil, badRequest("unsupported parse_mode")
}

// messageText validates a message body: 1-4096 UTF-16 units after parsing.
func messageText(text, mode string) (string, []wireEntity, *Fault) {
	plain, ents, f := renderText(text, mode)
	if f != nil {
		return "", nil, f
	}
	if strings.TrimSpace(plain) == "" {
		return "", nil, badRequest("message text is empty")
	}
	if utf16Len(plain) > maxTextLen {
		return "", nil, badRequest("message is too long")
	}
	return plain, ents, nil
}

// captionText validates a caption: 0-1024 UTF-16 units after parsing.
func captionText(text, mode string) (string, []wireEntity, *Fault) {
	plain, ents, f := renderText(text, mode)
	if f != nil {
		return "", nil, f
	}
	if utf16Len(plain) > maxCaptionLen {
		return "", nil, badRequest("message caption is too long")
	}
	return plain, ents, nil
}

// content is the formatted text (or caption) and the keyboard that every
// send and edit carries, checked the way Telegram checks them.
type content struct {
	raw, mode, plain string
	ents             []wireEntity
	mk               *Markup
}

// readContent reads field (text or caption) with its parse_mode through
// check, then reply_markup.
func readContent(p *params, field string, check func(text, mode string) (string, []wireEntity, *Fault)) (content, *Fault) {
	c := content{raw: p.get(field), mode: p.get("parse_mode")}
	var f *Fault
	if c.plain, c.ents, f = check(c.raw, c.mode); f != nil {
		return c, f
	}
	c.mk, f = parseMarkup(p.get("reply_markup"))
	return c, f
}
