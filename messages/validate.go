package messages

import (
	"fmt"
	"sort"
	"strings"

	"github.com/loa-vn/loa/messages/tghtml"
)

// Validate checks the content as the author wrote it, reporting every
// problem as a *ValidationError. HTML is checked as is, not sanitized:
// silently rewriting an author's text is the author's call (tghtml.Sanitize
// is there for callers who want it).
func (c Content) Validate() error {
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
		validateVariant(ve, path, c.Variants[loc], c.Split)
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

func validateVariant(ve *ValidationError, path string, v Variant, split bool) {
	validateText(ve, path, v, split)
	if v.PhotoURL != "" && !validPhotoURL(v.PhotoURL) {
		ve.add(path+".photo_url", msgPhotoURL)
	}
	validateButton(ve, path, v)
}

func validateText(ve *ValidationError, path string, v Variant, split bool) {
	path += ".text"
	plain, err := tghtml.Parse(v.Text)
	if err != nil {
		ve.add(path, fmt.Sprintf(msgBadHTML, err))
		return
	}
	if strings.TrimSpace(plain) == "" {
		if v.PhotoURL == "" { // a photo alone is a valid message
			ve.add(path, msgEmptyText)
		}
		return
	}
	n := measure(plain)
	switch {
	case v.PhotoURL != "" && n > MaxCaptionLen:
		// Splitting never applies to a caption: the author must decide
		// what goes under the photo.
		ve.add(path, fmt.Sprintf(msgCaptionTooLong, n, MaxCaptionLen))
	case n > MaxTextLen && !split:
		ve.add(path, fmt.Sprintf(msgTextTooLong, n, MaxTextLen))
	case n > MaxTextLen:
		validateSplit(ve, path, v)
	}
}

// validateSplit checks that a long text, cut as Render cuts it, makes few
// enough messages (each part fits by construction).
func validateSplit(ve *ValidationError, path string, v Variant) {
	toks, err := tghtml.Tokenize(v.Text)
	if err != nil {
		ve.add(path, fmt.Sprintf(msgBadHTML, err))
		return
	}
	if n := len(splitHTML(toks, MaxTextLen)); n > MaxParts {
		ve.add(path, fmt.Sprintf(msgTooManyParts, n, MaxParts))
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
