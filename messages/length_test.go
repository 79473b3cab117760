package messages

import "testing"

func TestLengthForCountsAsValidation(t *testing.T) {
	v := Variant{Text: "<b>Chào {name}</b> 😀", ButtonText: "Xem", ButtonURL: "https://a.vn"}
	n, limit, err := LengthFor(v, TelegramLimits)
	// "Chào " is 5 units, {name} 64, " " 1, the emoji 2 (a surrogate pair)
	if err != nil || limit != MaxTextLen || n != 5+MaxNameLen+1+2 {
		t.Fatalf("telegram: %d / %d, %v", n, limit, err)
	}
	plain := Limits{Channel: "plain", Text: 2000, Markup: MarkupPlain}
	if n2, _, _ := LengthFor(v, plain); n2 != n+len("\n\nXem: https://a.vn") {
		t.Fatalf("plain: %d", n2)
	}
	v.PhotoURL = "https://a.vn/p.jpg"
	if _, limit, _ := LengthFor(v, TelegramLimits); limit != MaxCaptionLen {
		t.Fatalf("caption limit %d", limit)
	}
}
