package messages

import "slices"

// LengthFor is how long v's text is on channel l, counted as validation
// counts it: UTF-16 code units of the visible text after entities, in l's
// markup, with a photo or button written into the text where l has none,
// and each {name} at MaxNameLen. limit is what applies to it there: the
// caption's under a photo, else a message's. Editors' length counters show
// exactly the number a limit is checked against.
func LengthFor(v Variant, l Limits) (n, limit int, err error) {
	_, toks, err := channelText(v, l)
	if err != nil {
		return 0, 0, err
	}
	n, limit = measure(plainOf(toks)), l.Text
	if v.PhotoURL != "" && l.Caption > 0 {
		limit = l.Caption
	}
	return n, limit, nil
}

// Locales lists the languages a campaign may be written in, Vietnamese
// first (the order editors see them in).
func Locales() []string { return slices.Clone(supportedLocales) }
