package conv_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/loa-vn/loa/bot/conv"
)

// plain is a minimal second channel, the shape Zalo's will have: no buttons,
// no markup, no command menu. All it does is turn what a resident typed
// into a neutral message, hand it to the conversations (the one wiring
// line), and keep the plain text the resident would read.
type plain struct {
	bot  *conv.Bot
	read []string
}

func (p *plain) Caps() conv.Caps { return conv.Caps{} }

func (p *plain) Send(_ context.Context, r conv.Reply) error {
	if len(r.Choices) > 0 || len(r.Links) > 0 || r.Notice != "" || r.AskContact != "" || r.File != nil {
		panic("the conversation sent a plain channel something it cannot show")
	}
	p.read = append(p.read, r.Text)
	return nil
}

// typed is a resident typing text; it returns what they read back.
func (p *plain) typed(ctx context.Context, userID, text string) string {
	before := len(p.read)
	p.bot.Handle(ctx, conv.Message{Channel: plainChannel, UserID: userID, ChatID: userID, Name: "Mai", Text: text}, p)
	return strings.Join(p.read[before:], "\n---\n")
}

func newPlain(t *testing.T) (*harness, *plain, func(string) string) {
	h := newHarness(t, conv.Config{FloodBurst: 100})
	p := &plain{bot: h.bot}
	return h, p, func(text string) string {
		t.Helper()
		got := p.typed(h.ctx, "zu-1", text)
		if got == "" {
			t.Fatalf("%q: no answer", text)
		}
		if strings.ContainsAny(got, "<>") && !strings.Contains(text, "<") {
			t.Errorf("%q: markup reached a plain channel: %q", text, got)
		}
		return got
	}
}

// number finds the number a list gives the line containing label.
func number(t *testing.T, text, label string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if n, rest, ok := strings.Cut(line, ". "); ok && strings.Contains(rest, label) && regexp.MustCompile(`^\d+$`).MatchString(n) {
			return n
		}
	}
	t.Fatalf("no numbered line with %q in %q", label, text)
	return ""
}

func TestSecondChannelAnswersFAQ(t *testing.T) {
	h, _, say := newPlain(t)
	ans := say("ngay chuyen doi so quoc gia la ngay nao")
	if !strings.Contains(ans, "10/10") && !strings.Contains(ans, "10 tháng 10") {
		t.Fatalf("answer lacks the date: %q", ans)
	}
	contains(t, ans, "Nguồn:", "505/QĐ-TTg", "Trả lời bằng số")
	// the 👍 is a numbered choice, answered with its number
	contains(t, say(number(t, ans, "👍")), "Cảm ơn")
	if h.count(`SELECT count(*) FROM question_log WHERE feedback = 1`) != 1 {
		t.Fatal("feedback by number not recorded")
	}
	sub := h.subscriber(plainChannel, "zu-1")
	if sub.ChatID.Int64 != 0 || sub.ExternalID != "zu-1" {
		t.Errorf("subscriber %+v", sub)
	}
}

func TestNumberedChoiceSwitchesLanguage(t *testing.T) {
	h, _, say := newPlain(t)
	menu := say("/lang")
	contains(t, menu, "1. Tiếng Việt", "2. English")
	contains(t, say("2"), "English")
	if got := h.subscriber(plainChannel, "zu-1"); got.Locale != "en" {
		t.Fatalf("locale %q", got.Locale)
	}
	// commands without the slash, since the channel has no command menu
	contains(t, say("help"), "Loa can help you")
	contains(t, say("Lang"), "2. English")
	contains(t, say("1"), "tiếng Việt")
	// and as words in either language, with or without accents
	contains(t, say("ngon ngu"), "2. English")
	contains(t, say("Trợ giúp"), "Loa có thể giúp bạn")
	contains(t, say("my data"), "Zalo (mã zu-1)")
	// a question that starts with a command word is still a question
	contains(t, say("help me activate VNeID level 2"), "VNeID")
}

func TestNumberedSubscribeByFormerWard(t *testing.T) {
	h, _, say := newPlain(t)
	contains(t, say("subscribe"), "phường/xã")
	// part of a name: a numbered list of the plausible places
	list := say("hoan")
	contains(t, say(number(t, list, "Phường Hoàn Kiếm")), "Đã xong", "Phường Hoàn Kiếm")
	// a former ward's exact name is its place at once, with the note
	contains(t, say("subscribe"), "phường/xã")
	contains(t, say("hang bac"), "Từ 1/7/2025", "Hàng Bạc", "thuộc Phường Hoàn Kiếm")
	loc, err := h.st.LocalityByCode(h.ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	if got := h.subscriber(plainChannel, "zu-1"); got.LocalityID.Int64 != loc.ID {
		t.Fatalf("subscriber %+v", got)
	}
	contains(t, say("/forget"), "1. Xóa", "2. Không")
	contains(t, say("1"), "Đã xóa toàn bộ")
}

func TestStaleAndOutOfRangeNumbers(t *testing.T) {
	_, _, say := newPlain(t)
	contains(t, say("3"), "Không có lựa chọn nào") // nothing offered yet
	say("/lang")
	contains(t, say("7"), "từ 1 đến 2")
	contains(t, say("0"), "từ 1 đến 2")
	say("/help") // another command: the offer is over
	contains(t, say("2"), "Không có lựa chọn nào")
	// numbers run on across the replies of one turn and the last offer wins
	say("/topics")
	contains(t, say("1"), "1. ") // a topic's questions, numbered afresh
	// longer numbers are questions ("1022" is the help line)
	if got := say("1022"); strings.Contains(got, "Không có lựa chọn nào") {
		t.Errorf("1022 read as a choice: %q", got)
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		`<b>Loa</b> &amp; <i>you</i>`:                                       "Loa & you",
		`see <a href="https://dichvucong.gov.vn">the portal</a>`:            "see the portal (https://dichvucong.gov.vn)",
		`<a href="https://x.vn/?a=1&amp;b=2">https://x.vn/?a=1&amp;b=2</a>`: "https://x.vn/?a=1&b=2",
		`1 &lt; 2`:  "1 < 2",
		"no markup": "no markup",
		`<b>broken`: "broken",
	} {
		if got := conv.PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumberedConfirmationOfAStopAskedInWords(t *testing.T) {
	h, _, say := newPlain(t)
	say("đăng ký nhận tin")
	say("Cầu Giấy")
	ask := say("Loa ơi, tôi không muốn nhận tin nữa")
	contains(t, ask, "Ngừng nhận tin", "Không, vẫn nhận")
	contains(t, say(number(t, ask, "Ngừng nhận tin")), "Bạn đã ngừng nhận tin")
	if got := h.subscriber(plainChannel, "zu-1"); got.Status != "unsubscribed" {
		t.Fatalf("status %q", got.Status)
	}
}
