package faq

import (
	"testing"
	"time"
)

func TestStale(t *testing.T) {
	kbs := map[string]*KB{
		"vi": {Entries: []Entry{
			{ID: "new", AsOf: "2026-12-01"},
			{ID: "old", AsOf: "2024-10-31"},
			{ID: "curated"}, // from the database, no date
			{ID: "edge", AsOf: "2026-06-05"},
		}},
		"en": {Entries: []Entry{{ID: "old", AsOf: "2024-10-31"}}},
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	got := Stale(kbs, now, 182*24*time.Hour)
	want := []string{"vi/curated", "en/old", "vi/old"}
	if len(got) != len(want) {
		t.Fatalf("Stale = %+v, want %v", got, want)
	}
	for i, s := range got {
		if s.Lang+"/"+s.ID != want[i] {
			t.Errorf("Stale[%d] = %s/%s, want %s", i, s.Lang, s.ID, want[i])
		}
	}
	if got[1].Age < 700*24*time.Hour || !got[0].AsOf.IsZero() {
		t.Errorf("ages wrong: %+v", got)
	}
	if n := len(Stale(kbs, now, 10*365*24*time.Hour)); n != 1 {
		t.Errorf("with a 10-year limit only the undated entry is stale, got %d", n)
	}
}

// TestFilesCarryReviewDates: every file entry has an as_of date no later
// than today and a source that carries a date (a year at least).
func TestFilesCarryReviewDates(t *testing.T) {
	_, kbs := testEngine(t)
	for lang, kb := range kbs {
		for _, e := range kb.Entries {
			d, ok := e.AsOfTime()
			if !ok || d.After(time.Now()) {
				t.Errorf("%s/%s: bad as_of %q", lang, e.ID, e.AsOf)
			}
			if !hasYear(e.Source) {
				t.Errorf("%s/%s: source %q has no date", lang, e.ID, e.Source)
			}
		}
	}
}

func hasYear(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i:i+2] == "20" || s[i:i+2] == "19") && isDigit(s[i+2]) && isDigit(s[i+3]) &&
			(i+4 == len(s) || !isDigit(s[i+4])) && (i == 0 || !isDigit(s[i-1])) {
			return true
		}
	}
	return false
}
