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
// HTML-escaped for HTML and put in as is for plain text.
func PersonalizeFor(text, name string, m Markup) string {
	if m != MarkupPlain {
		return Personalize(text, name)
	}
	if !strings.Contains(text, NamePlaceholder) {
		return text
	}
	return strings.ReplaceAll(text, NamePlaceholder, strings.TrimSpace(name))
}
