package messages

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func paths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var p []string
	for _, f := range ve.Fields {
		p = append(p, f.Path)
	}
	return p
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("Chuyển đổi số. ", 300) // 4500 characters
	cases := []struct {
		name string
		c    Content
		want []string
		msg  string
	}{
		{"ok", Content{Variants: map[string]Variant{"vi": {Text: "<b>Xin chào</b>"}}}, nil, ""},
		{"missing vi", Content{Variants: map[string]Variant{"en": {Text: "Hi"}}}, []string{"variants.vi"}, "Vietnamese"},
		{"nil map", Content{}, []string{"variants.vi"}, ""},
		{"unknown locale", Content{Variants: map[string]Variant{"vi": {Text: "a"}, "fr": {Text: "b"}}}, []string{"variants.fr"}, `"fr"`},
		{"empty", Content{Variants: map[string]Variant{"vi": {Text: " \n "}}}, []string{"variants.vi.text"}, "empty"},
		{"photo alone", Content{Variants: map[string]Variant{"vi": {PhotoURL: "https://x.vn/a.jpg"}}}, nil, ""},
		{"bad html", Content{Variants: map[string]Variant{"vi": {Text: "a <div>"}}}, []string{"variants.vi.text"}, `unsupported start tag "div" at byte offset 2`},
		{"too long", Content{Variants: map[string]Variant{"vi": {Text: long}}}, []string{"variants.vi.text"}, "4096"},
		{"too long split", Content{Split: true, Variants: map[string]Variant{"vi": {Text: long}}}, nil, ""},
		{"caption", Content{Split: true, Variants: map[string]Variant{"vi": {Text: strings.Repeat("a", 1025), PhotoURL: "https://x.vn/a.jpg"}}}, []string{"variants.vi.text"}, "1024"},
		{"name budget", Content{Variants: map[string]Variant{"vi": {Text: strings.Repeat("a", 1000) + "{name}", PhotoURL: "https://x.vn/a.jpg"}}}, []string{"variants.vi.text"}, "1064"},
		{"button no url", Content{Variants: map[string]Variant{"vi": {Text: "a"}, "en": {Text: "a", ButtonText: "Go"}}}, []string{"variants.en.button_url"}, "no link"},
		{"button no text", Content{Variants: map[string]Variant{"vi": {Text: "a", ButtonURL: "https://x.vn"}}}, []string{"variants.vi.button_text"}, "no text"},
		{"button relative", Content{Variants: map[string]Variant{"vi": {Text: "a", ButtonText: "Go", ButtonURL: "/x"}}}, []string{"variants.vi.button_url"}, "absolute"},
		{"button tg", Content{Variants: map[string]Variant{"vi": {Text: "a", ButtonText: "Go", ButtonURL: "tg://resolve?domain=loa"}}}, nil, ""},
		{"photo ftp", Content{Variants: map[string]Variant{"vi": {Text: "a", PhotoURL: "ftp://x.vn/a.jpg"}}}, []string{"variants.vi.photo_url"}, "http"},
		{"several", Content{Variants: map[string]Variant{"vi": {Text: "", ButtonText: "x"}, "en": {Text: "<b>"}}},
			[]string{"variants.en.text", "variants.vi.text", "variants.vi.button_url"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Validate()
			if got := paths(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("paths = %v, want %v (err: %v)", got, tc.want, err)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func TestValidateTooManyParts(t *testing.T) {
	text := strings.Repeat(strings.Repeat("x", 4000)+"\n\n", MaxParts+1)
	err := Content{Split: true, Variants: map[string]Variant{"vi": {Text: text}}}.Validate()
	if got := paths(t, err); !reflect.DeepEqual(got, []string{"variants.vi.text"}) || !strings.Contains(err.Error(), "11 messages") {
		t.Fatalf("err = %v", err)
	}
}
