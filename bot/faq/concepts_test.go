package faq

import "testing"

func TestConceptRewrite(t *testing.T) {
	e, _ := testEngine(t)
	for _, c := range []struct{ lang, in, want string }{
		{"en", "how do i get the id app", "how do i get the vneid app"},
		{"en", "locked out of my account", "forgot password of my account"},
		{"en", "what s it called now", "what is it called now"},
		{"vi", "nang cap tai khoan", "len muc2 tai khoan"},
		{"vi", "da 06 la gi", "de an 06 la gi"},
		{"vi", "nop hs bao lau co kq", "nop ho so bao lau co ket qua"},
		// a rule's first word alone does not fire ("tu" of "tu xung")
		{"vi", "dinh danh dien tu", "dinh danh dien tu"},
	} {
		if got := e.normalize(c.lang, c.in); got != c.want {
			t.Errorf("normalize(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}
