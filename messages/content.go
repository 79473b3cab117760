package messages

import "slices"

// Locales Loa writes campaigns in. Vietnamese is required because it is the
// language every resident can be assumed to read; English is optional.
const (
	LocaleVI = "vi"
	LocaleEN = "en"
)

// DefaultLocale serves subscribers whose locale has no variant.
const DefaultLocale = LocaleVI

// supportedLocales lists the locales a campaign may have, in display order.
var supportedLocales = []string{LocaleVI, LocaleEN}

func isSupportedLocale(l string) bool { return slices.Contains(supportedLocales, l) }

// Variant is one locale's version of a message. Text is Telegram HTML as
// the author wrote it; with a photo, Text is the photo's caption.
type Variant struct {
	Text       string `yaml:"text" json:"text"`
	PhotoURL   string `yaml:"photo_url" json:"photo_url,omitempty"`
	ButtonText string `yaml:"button_text" json:"button_text,omitempty"`
	ButtonURL  string `yaml:"button_url" json:"button_url,omitempty"`
}

// Content is a campaign message in every locale it is written in.
type Content struct {
	Variants map[string]Variant `yaml:"variants" json:"variants"`
	// Split lets a text over Telegram's 4096-character limit go out as
	// several messages, cut at paragraph boundaries.
	Split bool `yaml:"split" json:"split"`
}

// For returns the variant for a subscriber's locale and the locale that
// actually served it: the locale itself when written, else Vietnamese.
// Only the language part of an IETF tag counts ("en-US" is served "en"),
// since Telegram reports User.language_code as such a tag. Content without
// a vi variant (which Validate refuses) yields a zero Variant.
func (c Content) For(locale string) (Variant, string) {
	if v, ok := c.Variants[locale]; ok {
		return v, locale
	}
	if base := baseLanguage(locale); base != locale {
		if v, ok := c.Variants[base]; ok {
			return v, base
		}
	}
	return c.Variants[DefaultLocale], DefaultLocale
}

func baseLanguage(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			return tag[:i]
		}
	}
	return tag
}
