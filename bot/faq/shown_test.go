package faq

import (
	"strings"
	"testing"
)

func TestAPlaceIsQuotedBackAsTheResidentWroteIt(t *testing.T) {
	for _, c := range []struct{ question, folded, want string }{
		{"Đăng ký nhận tin phường Cầu Giấy!", "cau giay", "Cầu Giấy"},
		{"tôi ở Kim Liên, giờ thuộc phường nào?", "kim lien", "Kim Liên"},
		{"dang ky nhan tin xa Soc Son", "soc son", "Soc Son"},
		{"Phường Dịch Vọng Hậu cũ", "dich vong hau", "Dịch Vọng Hậu"},
		{"phuong Cau Giayy", "cau giay", "cau giay"}, // mended typo: not there word for word
		{"", "", ""},
	} {
		if got := shownSpan(c.question, c.folded); got != c.want {
			t.Errorf("shownSpan(%q, %q) = %q, want %q", c.question, c.folded, got, c.want)
		}
	}
}

func FuzzShownSpanGivesBackTextOfTheQuestionOrTheFoldedRun(f *testing.F) {
	f.Add("Đăng ký nhận tin phường Cầu Giấy!", "cau giay")
	f.Add("a  b", "b")
	f.Fuzz(func(t *testing.T, question, folded string) {
		got := shownSpan(question, folded)
		if got != folded && !containsRun(question, got) {
			t.Errorf("shownSpan(%q, %q) = %q: neither the question's text nor the run", question, folded, got)
		}
	})
}

// containsRun: got is a substring of question once runs of spaces are one.
func containsRun(question, got string) bool {
	return strings.Contains(strings.Join(strings.Fields(question), " "), got)
}
