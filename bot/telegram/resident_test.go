package telegram

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/store"
)

var (
	lan  = tgfake.User{ID: 5001, FirstName: "Lan", LanguageCode: "vi"}
	john = tgfake.User{ID: 5002, FirstName: "John", LanguageCode: "en-US"}
)

func TestSubscribeByFormerWardName(t *testing.T) {
	h := newHarness(t, conv.Config{})
	contains(t, h.send(lan, "/subscribe").Plain, "phường/xã")
	// an exact former ward's name subscribes at once (issue 9, item 22)
	done := h.send(lan, "hang bac")
	contains(t, done.Plain, "Từ 1/7/2025", "Hàng Bạc", "thuộc Phường Hoàn Kiếm")

	sub := h.subscriber(lan)
	loc, err := h.st.LocalityByCode(h.ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != store.StatusActive || sub.LocalityID.Int64 != loc.ID || !sub.ConsentAt.Valid {
		t.Fatalf("subscriber after choosing: %+v", sub)
	}
	// the step is over: the next text is a question again, not a place
	if got := h.send(lan, "hang bac"); strings.Contains(got.Plain, "Phường Hoàn Kiếm (") {
		t.Errorf("still searching places after subscribing: %q", got.Plain)
	}
	contains(t, h.send(lan, "/unsubscribe").Plain, "ngừng nhận tin")
	if got := h.subscriber(lan); got.Status != store.StatusUnsubscribed {
		t.Errorf("after /unsubscribe: %s", got.Status)
	}
}

func TestAskDigitalTransformationDay(t *testing.T) {
	h := newHarness(t, conv.Config{})
	ans := h.send(lan, "ngay chuyen doi so quoc gia la ngay nao")
	if !strings.Contains(ans.Plain, "10/10") && !strings.Contains(ans.Plain, "10 tháng 10") {
		t.Fatalf("answer lacks the date: %q", ans.Plain)
	}
	contains(t, ans.Plain, "Nguồn:", "505/QĐ-TTg")
	var logID int64
	if err := h.st.DB().GetContext(h.ctx, &logID, `SELECT id FROM question_log
		WHERE outcome = 'answered' AND entry_key IS NOT NULL AND score > 0`); err != nil {
		t.Fatalf("question not logged: %v", err)
	}
	up := buttonData(t, ans, "👍")
	h.fake.PressButton(lan, ans.MessageID, up)
	waitFor(t, func() bool {
		return h.count(`SELECT count(*) FROM question_log WHERE id = $1 AND feedback = 1`, logID) == 1
	})
	if n := len(ans.Buttons()); n < 3 || n > 5 {
		t.Errorf("want up to 3 related + 2 feedback buttons, got %d", n)
	}
}

func TestSwitchToEnglish(t *testing.T) {
	h := newHarness(t, conv.Config{})
	menu := h.send(lan, "/lang")
	contains(t, h.press(lan, menu, "lang:en").Plain, "English")
	if got := h.subscriber(lan); got.Locale != "en" {
		t.Fatalf("locale %q", got.Locale)
	}
	contains(t, h.send(lan, "/help").Plain, "Loa can help you")
	ans := h.send(lan, "When is National Digital Transformation Day?")
	contains(t, ans.Plain, "October", "Source:")
	contains(t, h.send(lan, "/unsubscribe").Plain, "not subscribed")
}

func TestEnglishUserStartsInEnglish(t *testing.T) {
	h := newHarness(t, conv.Config{})
	contains(t, h.send(john, "/start").Plain, "Hello John", "Hanoi")
	if vi, en := h.fake.Commands("vi"), h.fake.Commands("en"); len(vi) != len(conv.Commands) || len(en) != len(conv.Commands) ||
		vi[1].Description == en[1].Description {
		t.Errorf("command menus: vi %+v en %+v", vi, en)
	}
}

func TestBlockedUserMarkedBlocked(t *testing.T) {
	h := newHarness(t, conv.Config{})
	h.send(lan, "/start")
	h.fake.BlockBot(lan)
	waitFor(t, func() bool { return h.subscriber(lan).Status == store.StatusBlocked })
	h.fake.UnblockBot(lan)
	waitFor(t, func() bool { return h.subscriber(lan).Status == store.StatusNew })
}

func TestHTMLInQuestionIsEscaped(t *testing.T) {
	h := newHarness(t, conv.Config{})
	got := h.send(lan, `<script>alert("x")</script> <b>giá vé máy bay đi Paris</b> & ?`)
	if strings.Contains(got.Text, "<script>") || strings.Contains(got.Text, "<b>giá") {
		t.Fatalf("user HTML went out unescaped: %q", got.Text)
	}
	if strings.Contains(got.Plain, "giá vé") {
		contains(t, got.Plain, `<script>alert("x")</script>`, "024.1022")
	}
}

func TestForgedCallbacks(t *testing.T) {
	h := newHarness(t, conv.Config{FloodBurst: 100})
	other := tgfake.User{ID: 5003, FirstName: "Other"}
	h.send(other, "VNeID là gì?")
	var otherLog int64
	h.st.DB().GetContext(h.ctx, &otherLog, `SELECT max(id) FROM question_log`)
	start := h.send(lan, "/start")
	forged := []string{"loc:999999999", "loc:abc", "loc:", "zzz:1", "q:vi:no-such-entry", "q:fr:cds-la-gi",
		"t:nope", "lang:fr", "forget:maybe", fmt.Sprintf("fb:%d:up", otherLog), "fb:1:sideways", ""}
	before := len(h.fake.CallbackAnswers())
	for _, d := range forged {
		h.fake.PressButton(lan, start.MessageID, d)
	}
	waitFor(t, func() bool { return len(h.fake.CallbackAnswers()) >= before+len(forged) })
	for _, a := range h.fake.CallbackAnswers()[before:] {
		if !strings.Contains(a.Text, "Nút này đã cũ") {
			t.Errorf("callback answer %q", a.Text)
		}
	}
	if h.count(`SELECT count(*) FROM question_log WHERE feedback IS NOT NULL`) != 0 {
		t.Error("forged feedback recorded on someone else's question")
	}
	contains(t, h.send(lan, "/help").Plain, "Loa có thể giúp bạn") // still alive
}

func TestMediaAndOddMessages(t *testing.T) {
	h := newHarness(t, conv.Config{})
	contains(t, h.expect(lan, 1, func() { h.fake.SendSticker(lan, "😀") })[0].Plain, "chỉ đọc được tin nhắn chữ")
	contains(t, h.expect(lan, 1, func() { h.fake.SendPhoto(lan, "") })[0].Plain, "chỉ đọc được tin nhắn chữ")
	contains(t, h.expect(lan, 1, func() { h.fake.SendVoice(lan, 3) })[0].Plain, "chỉ đọc được tin nhắn chữ")
	contains(t, h.send(lan, "   ").Plain, "trống")
	contains(t, h.send(lan, strings.Repeat("a ", 600)).Plain, "dài quá")
	contains(t, h.send(lan, "/nonsense").Plain, "/help")
}

func TestTopicsBrowse(t *testing.T) {
	h := newHarness(t, conv.Config{})
	menu := h.send(lan, "/topics")
	if len(menu.Buttons()) < 5 {
		t.Fatalf("topic menu: %+v", menu.Buttons())
	}
	list := h.press(lan, menu, menu.Buttons()[0].CallbackData)
	if len(list.Buttons()) == 0 {
		t.Fatalf("no questions in topic: %q", list.Plain)
	}
	ans := h.press(lan, list, list.Buttons()[0].CallbackData)
	contains(t, ans.Plain, "Nguồn:")
}

func TestWebhookSecret(t *testing.T) {
	h, cancel := newBot(t, Config{WebhookSecret: "right-secret"}, conv.Config{})
	defer cancel()
	go h.bot.StartWorkers(h.ctx)
	srv := httptest.NewServer(h.bot.WebhookHandler())
	defer srv.Close()
	update := func(id int, text string) []byte {
		return []byte(fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,
			"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"Lan"},
			"text":%q,"entities":[{"type":"bot_command","offset":0,"length":5}]}}`,
			id, id, time.Now().Unix(), lan.ID, lan.ID, text))
	}
	post := func(secret string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, s := range []string{"", "wrong-secret", "right-secreT"} {
		if code := post(s, update(1, "/help")); code != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, want 401", s, code)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := h.fake.CountTo(lan.ID); n != 0 {
		t.Fatalf("refused update was processed: %d message(s)", n)
	}
	if h.count(`SELECT count(*) FROM subscribers`) != 0 {
		t.Fatal("refused update reached the store")
	}
	msgs := h.expect(lan, 1, func() {
		if code := post("right-secret", update(2, "/help")); code != http.StatusOK {
			t.Errorf("right secret: status %d", code)
		}
	})
	contains(t, msgs[0].Plain, "Loa có thể giúp bạn")
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
