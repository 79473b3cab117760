package tghtml

import (
	"net/url"
	"strconv"
	"strings"
)

// tagInfo is what a start tag means to Telegram, once attributes that
// Telegram ignores (onclick, style...) are dropped.
type tagInfo struct {
	name       string
	href       string
	hasHref    bool
	class      string // code: "language-x"; span: "tg-spoiler"
	emojiID    string
	expandable bool
}

// interpret gives a start tag its meaning; as in TDLib, when an attribute
// is repeated the last one wins.
func interpret(t rawTag, offset int) (tagInfo, *ParseError) {
	info := tagInfo{name: t.name}
	for _, a := range t.attrs {
		switch {
		case t.name == "a" && a.name == "href":
			info.href, info.hasHref = a.value, true
		case t.name == "code" && a.name == "class" && strings.HasPrefix(a.value, "language-"):
			info.class = a.value
		case t.name == "span" && a.name == "class" && strings.HasPrefix(a.value, "tg-"):
			info.class = a.value
		case t.name == "tg-emoji" && a.name == "emoji-id":
			info.emojiID = a.value
		case t.name == "blockquote" && a.name == "expandable":
			info.expandable = true
		}
	}
	return info, info.check(offset)
}

func (t tagInfo) check(offset int) *ParseError {
	switch t.name {
	case "span":
		if t.class != "tg-spoiler" {
			return errAt(offset, `tag "span" must have class "tg-spoiler"`)
		}
	case "tg-emoji":
		if id, err := strconv.ParseInt(t.emojiID, 10, 64); err != nil || id <= 0 {
			return errAt(offset, "invalid custom emoji identifier %q", t.emojiID)
		}
	case "a":
		if t.hasHref && !validHref(t.href) {
			return errAt(offset, "invalid link %q (only absolute http, https, tg and mailto links)", t.href)
		}
	}
	return nil
}

// validHref accepts the link kinds Loa lets authors use. Telegram would
// silently drop anything else, leaving residents with dead text.
func validHref(href string) bool {
	u, err := url.Parse(href)
	if err != nil || strings.ContainsAny(href, " \t\r\n") {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "tg":
		return u.Host != "" || u.Opaque != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}

// String renders the tag in canonical form, safe to re-emit anywhere
// (reopening a tag after a split, or in sanitized output).
func (t tagInfo) String() string {
	switch {
	case t.name == "a" && t.hasHref:
		return `<a href="` + Escape(t.href) + `">`
	case t.name == "code" && t.class != "", t.name == "span":
		return `<` + t.name + ` class="` + Escape(t.class) + `">`
	case t.name == "tg-emoji":
		return `<tg-emoji emoji-id="` + t.emojiID + `">`
	case t.name == "blockquote" && t.expandable:
		return `<blockquote expandable>`
	}
	return "<" + t.name + ">"
}
