package faq

import (
	"slices"
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
		// punctuation inside a typed word cuts it, as folding does
		{"đăng ký nhận tin phường Cầu Giấy,Hà Nội", "cau giay", "Cầu Giấy"},
		{"dang ky nhan tin phuong Thanh Xuan-Ha Noi", "thanh xuan", "Thanh Xuan"},
		{"phường Kim Liên-Đống Đa cũ giờ là phường nào", "kim lien", "Kim Liên"},
		{"đăng ký P.Thanh Xuân", "thanh xuan", "Thanh Xuân"},
		{"phường:Cầu Giấy", "cau giay", "Cầu Giấy"},
		// a place typed twice is quoted where it first appears
		{"Cầu Giấy hay cau giay?", "cau giay", "Cầu Giấy"},
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
		if got == folded {
			return
		}
		if !strings.Contains(question, got) {
			t.Errorf("shownSpan(%q, %q) = %q: neither the question's text nor the run", question, folded, got)
		}
		// what it quotes folds to exactly the run it was asked for
		if g, w := strings.Fields(Fold(got)), strings.Fields(folded); !slices.Equal(g, w) {
			t.Errorf("shownSpan(%q, %q) = %q, which folds to %q", question, folded, got, g)
		}
	})
}
