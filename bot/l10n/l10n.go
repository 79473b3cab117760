// Package l10n holds the bot's words: the go-i18n bundle loaded once from
// locales/active.*.toml, the languages Loa speaks, and how a Telegram
// language code picks one of them.
package l10n

import (
	"errors"
	"fmt"
	"html"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages Loa speaks; the first is the default.
const (
	VI = "vi"
	EN = "en"
)

// Langs lists the supported languages, default first.
var Langs = []string{VI, EN}

// Catalog renders message ids in a language. It is safe for concurrent use.
type Catalog struct {
	bundle *i18n.Bundle
	locs   map[string]*i18n.Localizer
	ids    map[string]map[string]bool // lang -> message ids, for the parity check
	log    *slog.Logger
}

// Load reads the resident bot's text, active.<lang>.toml, from fsys.
func Load(fsys fs.FS, log *slog.Logger) (*Catalog, error) { return LoadSet(fsys, "active", log) }

// LoadSet reads one set of message files, <set>.<lang>.toml for every
// language: the resident bot's ("active") and the staff commands' ("staff")
// are kept apart so residents never get a staff message id by mistake.
func LoadSet(fsys fs.FS, set string, log *slog.Logger) (*Catalog, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := i18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, locs: map[string]*i18n.Localizer{}, ids: map[string]map[string]bool{}, log: log}
	for _, lang := range Langs {
		name := set + "." + lang + ".toml"
		mf, err := b.LoadMessageFileFS(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", name, err)
		}
		c.ids[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			c.ids[lang][m.ID] = true
		}
		c.locs[lang] = i18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// Missing reports, per language, the ids another language has and it lacks.
func (c *Catalog) Missing() map[string][]string {
	out := map[string][]string{}
	for _, a := range Langs {
		for _, b := range Langs {
			for id := range c.ids[b] {
				if !c.ids[a][id] {
					out[a] = append(out[a], id)
				}
			}
		}
	}
	return out
}

// Has reports whether id exists in lang.
func (c *Catalog) Has(lang, id string) bool { return c.ids[Pick(lang)][id] }

// T renders id in lang with key/value pairs as template data. String values
// are HTML-escaped, because every bot message goes out with parse_mode HTML
// and values carry user input or KB text; Raw values are trusted markup.
func (c *Catalog) T(lang, id string, kv ...any) string { return c.render(lang, id, true, kv) }

// Plain renders like T without escaping, for button labels and the terminal,
// which Telegram does not parse as HTML.
func (c *Catalog) Plain(lang, id string, kv ...any) string { return c.render(lang, id, false, kv) }

func (c *Catalog) render(lang, id string, escape bool, kv []any) string {
	data := map[string]any{}
	var count any
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			if escape {
				v = html.EscapeString(v)
			}
			data[k] = v
		case Raw:
			data[k] = string(v)
		default:
			data[k] = v
		}
		if k == "Count" {
			count = kv[i+1]
		}
	}
	s, err := c.locs[Pick(lang)].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		// go-i18n returns the fallback text and an error together; use the text.
		var nf *i18n.MessageNotFoundErr
		c.log.Warn("locale message", "id", id, "lang", lang, "fallback", errors.As(err, &nf), "err", err)
	}
	if s == "" {
		return id
	}
	return s
}

// Raw marks template data that is already safe HTML.
type Raw string

// Pick returns a supported language for a stored locale or a Telegram
// language_code: English for any en-* tag, Vietnamese otherwise.
func Pick(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == EN || strings.HasPrefix(code, EN+"-") || strings.HasPrefix(code, EN+"_") {
		return EN
	}
	return VI
}

// Valid reports whether lang is one Loa speaks.
func Valid(lang string) bool { return lang == VI || lang == EN }
