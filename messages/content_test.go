package messages

import "testing"

func TestFor(t *testing.T) {
	c := Content{Variants: map[string]Variant{
		"vi": {Text: "Xin chào"},
		"en": {Text: "Hello"},
	}}
	cases := []struct{ locale, text, served string }{
		{"vi", "Xin chào", "vi"},
		{"en", "Hello", "en"},
		{"en-US", "Hello", "en"},
		{"fr", "Xin chào", "vi"},
		{"", "Xin chào", "vi"},
	}
	for _, tc := range cases {
		v, served := c.For(tc.locale)
		if v.Text != tc.text || served != tc.served {
			t.Errorf("For(%q) = %q, %q; want %q, %q", tc.locale, v.Text, served, tc.text, tc.served)
		}
	}
	viOnly := Content{Variants: map[string]Variant{"vi": {Text: "Xin chào"}}}
	if v, served := viOnly.For("en"); v.Text != "Xin chào" || served != "vi" {
		t.Errorf("For(en) on vi-only = %q, %q", v.Text, served)
	}
}
