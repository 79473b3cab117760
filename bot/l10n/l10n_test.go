package l10n

import (
	"sort"
	"strings"
	"testing"

	"github.com/loa-vn/loa/locales"
)

// TestLocaleParity fails when one locale lacks a key another has.
func TestLocaleParity(t *testing.T) {
	c, err := Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for lang, ids := range c.Missing() {
		sort.Strings(ids)
		t.Errorf("active.%s.toml lacks %s", lang, strings.Join(ids, ", "))
	}
}

func TestTEscapesData(t *testing.T) {
	c, err := Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := c.T("vi", "fallback", "Question", "<b>x</b> & y", "HelpLine", Raw("<i>1022</i>"))
	if !strings.Contains(got, "&lt;b&gt;x&lt;/b&gt; &amp; y") || !strings.Contains(got, "<i>1022</i>") {
		t.Fatalf("got %q", got)
	}
	if got := c.T("en", "no_such_key"); got != "no_such_key" {
		t.Fatalf("missing key: %q", got)
	}
}

func TestPick(t *testing.T) {
	for code, want := range map[string]string{"vi": VI, "vi-VN": VI, "en": EN, "en-US": EN, "": VI, "ru": VI} {
		if got := Pick(code); got != want {
			t.Errorf("Pick(%q) = %q, want %q", code, got, want)
		}
	}
}
