package conv

import (
	"html"
	"regexp"
	"strings"

	"github.com/loa-vn/loa/messages/tghtml"
)

// PlainText renders Loa's markup for a channel without it: tags dropped,
// entities decoded, and links written out as "text (https://…)".
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	toks, err := tghtml.Tokenize(s)
	if err != nil {
		// the locales are checked by tests; never send half-parsed markup
		return html.UnescapeString(anyTag.ReplaceAllString(s, ""))
	}
	var b strings.Builder
	type link struct {
		href  string
		start int
	}
	var links []link
	for _, t := range toks {
		switch {
		case t.Kind == tghtml.Text:
			b.WriteString(t.Text)
		case t.Kind == tghtml.StartTag && t.Name == "a":
			href := ""
			if m := hrefAttr.FindStringSubmatch(t.Tag); m != nil {
				href = html.UnescapeString(m[1])
			}
			links = append(links, link{href: href, start: b.Len()})
		case t.Kind == tghtml.EndTag && t.Name == "a" && len(links) > 0:
			l := links[len(links)-1]
			links = links[:len(links)-1]
			if text := b.String()[l.start:]; l.href != "" && strings.TrimSpace(text) != l.href {
				b.WriteString(" (" + l.href + ")")
			}
		}
	}
	return b.String()
}

var (
	anyTag   = regexp.MustCompile(`<[^>]*>`)
	hrefAttr = regexp.MustCompile(`href="([^"]*)"`)
)
