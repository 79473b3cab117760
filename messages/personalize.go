package messages

import (
	"strings"

	"github.com/loa-vn/loa/messages/tghtml"
)

// Personalize replaces every {name} in rendered text with the recipient's
// first name, HTML-escaped (a name is user input: "<b>" in it must show as
// written). That is the only placeholder: campaign text is written by staff
// and reviewed by approvers, and a template language would be one more
// thing for them to get wrong.
//
// The caller chooses what an empty name becomes (e.g. "bạn" / "there");
// Personalize puts in whatever it is given. Validation and Render budget
// each {name} at MaxNameLen, Telegram's first-name limit.
//
// It runs once per recipient, so text without {name} is returned as is,
// without allocating.
func Personalize(text, name string) string {
	if !strings.Contains(text, NamePlaceholder) {
		return text
	}
	return strings.ReplaceAll(text, NamePlaceholder, tghtml.Escape(strings.TrimSpace(name)))
}

// PersonalizeFor is Personalize for a channel's markup: the name is
// HTML-escaped for HTML and put in as is for plain text (Zalo shows "<b>"
// and "&" as written). On a plain channel the name is also cut to
// MaxNameLen UTF-16 units, the budget validation gave each {name}: a
// Zalo display name has no documented limit, a Telegram first name does.
func PersonalizeFor(text, name string, m Markup) string {
	if m != MarkupPlain {
		return Personalize(text, name)
	}
	if !strings.Contains(text, NamePlaceholder) {
		return text
	}
	return strings.ReplaceAll(text, NamePlaceholder, clipName(strings.TrimSpace(name)))
}

// clipName keeps the longest prefix of name within MaxNameLen UTF-16
// units, never cutting a character ("{name}" in a name counts as text).
func clipName(name string) string {
	units := 0
	for i, r := range name {
		u := 1
		if r >= 0x10000 {
			u = 2
		}
		if units+u > MaxNameLen {
			return name[:i]
		}
		units += u
	}
	return name
}
