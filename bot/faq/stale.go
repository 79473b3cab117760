package faq

import (
	"sort"
	"time"
)

// AsOfLayout is the format of Entry.AsOf.
const AsOfLayout = "2006-01-02"

// AsOfTime parses AsOf; ok is false when it is missing or malformed.
func (e *Entry) AsOfTime() (t time.Time, ok bool) {
	t, err := time.Parse(AsOfLayout, e.AsOf)
	return t, err == nil
}

// StaleEntry is one entry due for review.
type StaleEntry struct {
	Lang string
	ID   string
	// AsOf is the parsed review date; zero when the entry has none (an
	// entry curated in the database before as_of existed).
	AsOf time.Time
	Age  time.Duration // now - AsOf; 0 when AsOf is zero
}

// Stale lists the entries of kbs whose as_of date is older than maxAge at
// now, or missing, oldest first (missing dates first of all), then by
// language and id. It backs `loa faq stale`.
func Stale(kbs map[string]*KB, now time.Time, maxAge time.Duration) []StaleEntry {
	var out []StaleEntry
	for lang, kb := range kbs {
		if kb == nil {
			continue
		}
		for i := range kb.Entries {
			e := &kb.Entries[i]
			t, ok := e.AsOfTime()
			if !ok {
				out = append(out, StaleEntry{Lang: lang, ID: e.ID})
				continue
			}
			if age := now.Sub(t); age > maxAge {
				out = append(out, StaleEntry{Lang: lang, ID: e.ID, AsOf: t, Age: age})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.AsOf.Equal(b.AsOf) {
			return a.AsOf.Before(b.AsOf)
		}
		if a.Lang != b.Lang {
			return a.Lang < b.Lang
		}
		return a.ID < b.ID
	})
	return out
}
