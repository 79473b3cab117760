package messages

import (
	"fmt"
	"sort"
	"strings"

	"github.com/loa-vn/loa/messages/tghtml"
)

// Validate checks the content as the author wrote it for Telegram
// (ValidateFor with TelegramLimits), reporting every problem as a
// *ValidationError.
func (c Content) Validate() error { return c.ValidateFor(TelegramLimits) }

// ValidateFor checks the content as the author wrote it for every channel
// it goes to: what no channel accepts (no Vietnamese version, bad HTML, an
// empty text, bad addresses) once, and each channel's length limits as
// that channel will show the text, the message naming the channel. HTML is
// checked as is, not sanitized: silently rewriting an author's text is the
// author's call (tghtml.Sanitize is there for callers who want it). With
// no limits, only the channel-independent checks run.
func (c Content) ValidateFor(limits ...Limits) error {
	ve := &ValidationError{}
	if _, ok := c.Variants[LocaleVI]; !ok {
		ve.add("variants."+LocaleVI, msgMissingVI)
	}
	for _, loc := range sortedLocales(c.Variants) {
		path := "variants." + loc
		if !isSupportedLocale(loc) {
			ve.add(path, fmt.Sprintf(msgUnknownLocale, loc))
			continue
		}
		validateVariant(ve, path, c.Variants[loc], c.Split, limits)
	}
	return ve.err()
}

func sortedLocales(m map[string]Variant) []string {
	locs := make([]string, 0, len(m))
	for l := range m {
		locs = append(locs, l)
	}
	sort.Strings(locs)
	return locs
}

func validateVariant(ve *ValidationError, path string, v Variant, split bool, limits []Limits) {
	if validateText(ve, path+".text", v) {
		for _, l := range limits {
			validateLength(ve, path+".text", v, split, l)
		}
	}
	if v.PhotoURL != "" && !validPhotoURL(v.PhotoURL) {
		ve.add(path+".photo_url", msgPhotoURL)
	}
	validateButton(ve, path, v)
}

// validateText checks what holds on every channel; it says whether the
// text is worth measuring.
func validateText(ve *ValidationError, path string, v Variant) bool {
	plain, err := tghtml.Parse(v.Text)
	if err != nil {
		ve.add(path, fmt.Sprintf(msgBadHTML, err))
		return false
	}
	if strings.TrimSpace(plain) == "" {
		if v.PhotoURL == "" { // a photo alone is a valid message
			ve.add(path, msgEmptyText)
		}
		return false
	}
	return true
}

// validateLength measures the text as channel l will show it (its markup,
// a button or photo written into the text where l has none).
func validateLength(ve *ValidationError, path string, v Variant, split bool, l Limits) {
	_, toks, err := channelText(v, l)
	if err != nil {
		ve.add(path, fmt.Sprintf(msgBadHTML, err))
		return
	}
	n := measure(plainOf(toks))
	switch {
	case v.PhotoURL != "" && l.Caption > 0 && n > l.Caption:
		// Splitting never applies to a caption: the author must decide
		// what goes under the photo.
		ve.add(path, fmt.Sprintf(msgCaptionTooLong, n, l.Channel, l.Caption))
	case n > l.Text && !split:
		ve.add(path, fmt.Sprintf(msgTextTooLong, n, l.Channel, l.Text))
	case n > l.Text:
		// cut as RenderFor cuts it: each part fits by construction
		if parts := len(splitHTML(toks, l.Text)); parts > MaxParts {
			ve.add(path, fmt.Sprintf(msgTooManyParts, parts, l.Channel, MaxParts))
		}
	}
}

func validateButton(ve *ValidationError, path string, v Variant) {
	text := strings.TrimSpace(v.ButtonText)
	switch {
	case text != "" && v.ButtonURL == "":
		ve.add(path+".button_url", msgButtonNoURL)
	case text == "" && v.ButtonURL != "":
		ve.add(path+".button_text", msgButtonNoText)
	case v.ButtonURL != "" && !validButtonURL(v.ButtonURL):
		ve.add(path+".button_url", msgButtonURL)
	}
}
