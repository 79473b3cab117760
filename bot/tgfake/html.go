package tgfake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This is the fake's own strict reader of Telegram's HTML parse mode. It is
// deliberately independent of messages/tghtml: the fake must judge the bot's
// output the way Telegram would, not the way our own code thinks it should.

type htmlTag struct {
	name  string
	start int // UTF-16 offset in the plain text where the tag opened
	ent   wireEntity
	emit  bool
}

type htmlParser struct {
	src   string
	plain strings.Builder
	pos   int // UTF-16 length of plain so far
	stack []htmlTag
	ents  []wireEntity
}

// parseHTML returns the text the user sees plus its entities, or a
// "can't parse entities" reason phrased like Telegram's.
func parseHTML(s string) (string, []wireEntity, error) {
	p := &htmlParser{src: s}
	p.plain.Grow(len(s))
	for i := 0; i < len(s); {
		var err error
		switch s[i] {
		case '<':
			i, err = p.tag(i)
		case '&':
			i, err = p.entity(i)
		default:
			j := i
			for j < len(s) && s[j] != '<' && s[j] != '&' {
				j++
			}
			p.text(s[i:j])
			i = j
		}
		if err != nil {
			return "", nil, err
		}
	}
	if len(p.stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", p.stack[len(p.stack)-1].name)
	}
	sort.SliceStable(p.ents, func(a, b int) bool {
		if p.ents[a].Offset != p.ents[b].Offset {
			return p.ents[a].Offset < p.ents[b].Offset
		}
		return p.ents[a].Length > p.ents[b].Length
	})
	return p.plain.String(), p.ents, nil
}

func (p *htmlParser) text(t string) {
	p.plain.WriteString(t)
	p.pos += utf16Len(t)
}

// utf16Len counts UTF-16 code units, Telegram's unit for lengths/offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func (p *htmlParser) readName(i int) (string, int) {
	j := i
	for j < len(p.src) && isNameByte(p.src[j]) {
		j++
	}
	return strings.ToLower(p.src[i:j]), j
}

func (p *htmlParser) skipSpace(i int) int {
	for i < len(p.src) && strings.IndexByte(" \t\r\n", p.src[i]) >= 0 {
		i++
	}
	return i
}

func (p *htmlParser) tag(i int) (int, error) {
	if i+1 < len(p.src) && p.src[i+1] == '/' {
		return p.endTag(i)
	}
	name, j := p.readName(i + 1)
	if !allowedTag(name) {
		return 0, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
	}
	attrs, j, err := p.attrs(name, i, j)
	if err != nil {
		return 0, err
	}
	t, err := p.open(name, attrs, i)
	if err != nil {
		return 0, err
	}
	p.stack = append(p.stack, t)
	return j, nil
}

// attrs reads attributes up to '>' and checks each is allowed on the tag.
func (p *htmlParser) attrs(tag string, at, j int) (map[string]string, int, error) {
	var attrs map[string]string
	for {
		j = p.skipSpace(j)
		if j >= len(p.src) {
			return nil, 0, fmt.Errorf("Unclosed start tag at byte offset %d", at)
		}
		if p.src[j] == '>' {
			return attrs, j + 1, nil
		}
		name, k := p.readName(j)
		if name == "" {
			return nil, 0, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", tag, at)
		}
		if !allowedAttr(tag, name) {
			return nil, 0, fmt.Errorf("Unsupported attribute \"%s\" of the tag \"%s\" at byte offset %d", name, tag, at)
		}
		val, k, err := p.attrValue(k, at)
		if err != nil {
			return nil, 0, err
		}
		if attrs == nil {
			attrs = make(map[string]string, 2)
		}
		attrs[name] = val
		j = k
	}
}

func (p *htmlParser) attrValue(k, at int) (string, int, error) {
	k = p.skipSpace(k)
	if k >= len(p.src) || p.src[k] != '=' {
		return "", k, nil // boolean attribute such as "expandable"
	}
	k = p.skipSpace(k + 1)
	if k >= len(p.src) {
		return "", 0, fmt.Errorf("Unclosed start tag at byte offset %d", at)
	}
	var raw string
	if q := p.src[k]; q == '"' || q == '\'' {
		end := strings.IndexByte(p.src[k+1:], q)
		if end < 0 {
			return "", 0, fmt.Errorf("Unclosed start tag at byte offset %d", at)
		}
		raw, k = p.src[k+1:k+1+end], k+end+2
	} else {
		e := k
		for e < len(p.src) && !strings.ContainsRune(" \t\r\n>", rune(p.src[e])) {
			e++
		}
		raw, k = p.src[k:e], e
	}
	val, err := unescapeAttr(raw, at)
	return val, k, err
}

func unescapeAttr(raw string, at int) (string, error) {
	if !strings.Contains(raw, "&") {
		return raw, nil
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		if raw[i] != '&' {
			b.WriteByte(raw[i])
			i++
			continue
		}
		r, n, ok := decodeEntity(raw[i:])
		if !ok {
			return "", fmt.Errorf("Unsupported HTML entity in attribute at byte offset %d", at)
		}
		b.WriteRune(r)
		i += n
	}
	return b.String(), nil
}

func (p *htmlParser) open(name string, attrs map[string]string, at int) (htmlTag, error) {
	t := htmlTag{name: name, start: p.pos, emit: true}
	switch name {
	case "b", "strong":
		t.ent.Type = "bold"
	case "i", "em":
		t.ent.Type = "italic"
	case "u", "ins":
		t.ent.Type = "underline"
	case "s", "strike", "del":
		t.ent.Type = "strikethrough"
	case "tg-spoiler":
		t.ent.Type = "spoiler"
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return t, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", at)
		}
		t.ent.Type = "spoiler"
	case "a":
		t.ent.Type, t.ent.URL = "text_link", attrs["href"]
		t.emit = t.ent.URL != "" // Telegram keeps the text but drops a link without href
	case "pre":
		t.ent.Type = "pre"
	case "code":
		t.ent.Type = "code"
		if p.insidePre() {
			// <pre><code class="language-x"> is one pre entity with a language.
			t.emit = false
			if lang, ok := strings.CutPrefix(attrs["class"], "language-"); ok {
				p.stack[len(p.stack)-1].ent.Language = lang
			}
		}
	case "blockquote":
		t.ent.Type = "blockquote"
		if _, ok := attrs["expandable"]; ok {
			t.ent.Type = "expandable_blockquote"
		}
	case "tg-emoji":
		if attrs["emoji-id"] == "" {
			return t, fmt.Errorf("Custom emoji identifier must be specified at byte offset %d", at)
		}
		t.ent.Type, t.ent.CustomEmojiID = "custom_emoji", attrs["emoji-id"]
	}
	return t, nil
}

func (p *htmlParser) insidePre() bool {
	return len(p.stack) > 0 && p.stack[len(p.stack)-1].name == "pre"
}

func (p *htmlParser) endTag(i int) (int, error) {
	name, j := p.readName(i + 2)
	j = p.skipSpace(j)
	if j >= len(p.src) || p.src[j] != '>' {
		return 0, fmt.Errorf("Unclosed end tag at byte offset %d", i)
	}
	if len(p.stack) == 0 {
		return 0, fmt.Errorf("Unexpected end tag at byte offset %d", i)
	}
	top := p.stack[len(p.stack)-1]
	if top.name != name {
		return 0, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top.name, name)
	}
	p.stack = p.stack[:len(p.stack)-1]
	if top.emit && p.pos > top.start {
		e := top.ent
		e.Offset, e.Length = top.start, p.pos-top.start
		p.ents = append(p.ents, e)
	}
	return j + 1, nil
}

func (p *htmlParser) entity(i int) (int, error) {
	r, n, ok := decodeEntity(p.src[i:])
	if !ok {
		return 0, fmt.Errorf("Unsupported HTML entity at byte offset %d", i)
	}
	p.text(string(r))
	return i + n, nil
}

// decodeEntity reads one of the entities Telegram documents: &lt; &gt;
// &amp; &quot; and numeric ones. It reports the rune and bytes consumed.
func decodeEntity(s string) (rune, int, bool) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return 0, 0, false
	}
	body := s[1:end]
	switch body {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	if body[0] != '#' {
		return 0, 0, false
	}
	var n uint64
	var err error
	if len(body) > 1 && (body[1] == 'x' || body[1] == 'X') {
		n, err = strconv.ParseUint(body[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(body[1:], 10, 32)
	}
	if err != nil || n == 0 || !utf8.ValidRune(rune(n)) {
		return 0, 0, false
	}
	return rune(n), end + 1, true
}

func allowedTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
		"span", "tg-spoiler", "blockquote", "tg-emoji":
		return true
	}
	return false
}

func allowedAttr(tag, attr string) bool {
	switch tag + " " + attr {
	case "a href", "code class", "span class", "blockquote expandable", "tg-emoji emoji-id":
		return true
	}
	return false
}
