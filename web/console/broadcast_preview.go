package console

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/loa-vn/loa/broadcast"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/messages/tghtml"
)

// Previews show a campaign as each resident gets it: for every language it
// is written in and every channel of its audience, the parts that channel's
// renderer makes (messages.RenderFor with the channel's registered Limits),
// with the name filled in, and a length counter that counts as the limit is
// checked (messages.LengthFor).

// warnAt is the share of a limit from which a counter turns red.
const warnAt = 0.9

type previewSet struct {
	Name  string // the name filled in
	Langs []previewLang
}

type previewLang struct {
	Lang     string
	Channels []previewChannel
}

type previewChannel struct {
	Channel, Label string
	Plain          bool
	Parts          []previewPart
	Len, Limit     int
	Warn, Over     bool
	Error          string // message id: the channel cannot render it
}

type previewPart struct {
	HTML       template.HTML // the text as the resident sees it
	Photo      string
	Button     string
	ButtonLink string
}

func buildPreviews(p *page, d broadcast.Draft, name string) previewSet {
	name = strings.TrimSpace(name)
	if name == "" {
		name = p.T("bc_preview_name_default")
	}
	set := previewSet{Name: name}
	limits := messages.LimitsFor(d.Audience.Channels)
	for _, lang := range messages.Locales() {
		v, ok := d.Content.Variants[lang]
		if !ok || (strings.TrimSpace(v.Text) == "" && v.PhotoURL == "" && lang != messages.LocaleVI) {
			continue
		}
		pl := previewLang{Lang: lang}
		for _, l := range limits {
			pc := previewChannel{Channel: l.Channel, Label: channelLabel(p, l.Channel), Plain: l.Markup == messages.MarkupPlain}
			n, limit, err := messages.LengthFor(v, l)
			if err != nil {
				pc.Error = "bc_err_text_html"
				pl.Channels = append(pl.Channels, pc)
				continue
			}
			pc.Len, pc.Limit = n, limit
			pc.Warn = float64(n) >= warnAt*float64(limit)
			pc.Over = n > limit
			parts, err := messages.RenderFor(v, d.Content.Split, l)
			switch {
			case err != nil && strings.TrimSpace(v.Text) == "" && v.PhotoURL == "":
				pc.Error = "bc_err_text_empty"
			case err != nil:
				pc.Error = "bc_preview_cannot"
			}
			for _, part := range parts {
				text := messages.PersonalizeFor(part.Text, name, l.Markup)
				pp := previewPart{Photo: part.PhotoURL, Button: part.ButtonText, ButtonLink: part.ButtonURL}
				if pc.Plain {
					pp.HTML = template.HTML(template.HTMLEscapeString(text))
				} else {
					pp.HTML = telegramHTML(text)
				}
				pc.Parts = append(pc.Parts, pp)
			}
			pl.Channels = append(pl.Channels, pc)
		}
		set.Langs = append(set.Langs, pl)
	}
	return set
}

func validHTML(s string) bool {
	_, err := tghtml.Parse(s)
	return err == nil
}

// telegramHTML shows Telegram HTML as Telegram formats it. Only the parser's
// canonical tags come out, each mapped to a fixed element; text is escaped
// and links are kept only for http and https, so nothing an author typed
// can run or style the console. Text that does not parse is shown escaped.
func telegramHTML(s string) template.HTML {
	toks, err := tghtml.Tokenize(s)
	if err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	var open []string // the element each open tag became
	for _, t := range toks {
		switch t.Kind {
		case tghtml.Text:
			b.WriteString(template.HTMLEscapeString(t.Text))
		case tghtml.StartTag:
			el, attrs := "span", ""
			switch t.Name {
			case "b", "strong":
				el = "b"
			case "i", "em":
				el = "i"
			case "u", "ins":
				el = "u"
			case "s", "strike", "del":
				el = "s"
			case "code":
				el = "code"
			case "pre":
				el = "pre"
			case "blockquote":
				el = "blockquote"
			case "span", "tg-spoiler":
				attrs = ` class="spoiler"`
			case "a":
				if href := hrefOf(t.Tag); safeLink(href) {
					el, attrs = "a", ` href="`+template.HTMLEscapeString(href)+`" rel="noopener noreferrer"`
				} else {
					attrs = ` class="link"`
				}
			}
			open = append(open, el)
			b.WriteString("<" + el + attrs + ">")
		case tghtml.EndTag:
			if len(open) > 0 {
				b.WriteString("</" + open[len(open)-1] + ">")
				open = open[:len(open)-1]
			}
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return template.HTML(b.String())
}

// hrefOf reads the address of a canonical <a href="..."> tag.
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
	plain, err := tghtml.Parse(rest[:j])
	if err != nil {
		return ""
	}
	return plain
}

func safeLink(href string) bool {
	u, err := url.Parse(href)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
