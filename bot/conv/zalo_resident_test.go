package conv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/faq"
	"github.com/loa-vn/loa/bot/invite"
	"github.com/loa-vn/loa/bot/zalo"
	"github.com/loa-vn/loa/bot/zalofake"
	"github.com/loa-vn/loa/jobs/redistest"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/store/storetest"
)

const zaloSecret = "zalo-test-secret"

// zaloWorld is the conversations behind the real Zalo channel: events go
// in through zalo.Bot's webhook handler (which returns once every reply is
// sent, so nothing here waits on time) and replies go out to the fake Zalo
// Bot API, where the test reads them as the resident would.
type zaloWorld struct {
	t    *testing.T
	ctx  context.Context
	st   *store.Store
	fake *zalofake.Server
	wh   http.Handler
	logs *syncLog
	seq  int
}

type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newZaloWorld(t *testing.T) *zaloWorld {
	t.Helper()
	eng, cat := shared(t)
	st := storetest.NewSeeded(t)
	rdb := redis.NewClient(redistest.New(t))
	t.Cleanup(func() { rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	logs := &syncLog{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	residents := conv.New(conv.Config{FloodBurst: 100}, conv.Deps{Store: st, FAQ: func() *faq.Engine { return eng }, Text: cat,
		Conv: conv.RedisConversations{R: rdb}, Key: testKey, Log: log})
	fake := zalofake.New()
	t.Cleanup(fake.Close)
	c, err := zalo.NewClient(fake.Token(), fake.URL(), zalo.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	wh, err := zalo.NewBot(c, residents, log, zalo.WithDeduper(zalo.NewRedisDeduper(rdb, "", 0))).Webhook(zaloSecret)
	if err != nil {
		t.Fatal(err)
	}
	return &zaloWorld{t: t, ctx: ctx, st: st, fake: fake, wh: wh, logs: logs}
}

// deliver posts one event as the platform would and returns its status.
func (w *zaloWorld) deliver(event, messageID string, u zalofake.User, text string) int {
	w.t.Helper()
	body, _ := json.Marshal(map[string]any{"ok": true, "result": map[string]any{
		"event_name": event,
		"message": map[string]any{"from": map[string]any{"id": u.ID, "display_name": u.DisplayName, "is_bot": false},
			"chat": map[string]any{"id": u.ID, "chat_type": "PRIVATE"}, "text": text, "message_id": messageID,
			"date": time.Now().UnixMilli()}}})
	req := httptest.NewRequest(http.MethodPost, "/zalo/webhook", bytes.NewReader(body))
	req.Header.Set(zalo.SecretHeader, zaloSecret)
	rec := httptest.NewRecorder()
	w.wh.ServeHTTP(rec, req)
	return rec.Code
}

// say is the resident typing text; it returns what they read back.
func (w *zaloWorld) say(u zalofake.User, text string) string {
	w.t.Helper()
	before := w.fake.CountTo(u.ID)
	w.seq++
	if code := w.deliver(zalofake.EventText, fmt.Sprintf("m%06d", w.seq), u, text); code != http.StatusOK {
		w.t.Fatalf("%q: webhook answered %d", text, code)
	}
	sent := w.fake.SentTo(u.ID)
	if len(sent) <= before {
		w.t.Fatalf("%q: no answer", text)
	}
	var parts []string
	for _, s := range sent[before:] {
		if len([]rune(s.Text)) > zalo.MaxTextLen {
			w.t.Errorf("%q: a reply of %d characters", text, len([]rune(s.Text)))
		}
		parts = append(parts, s.Text)
	}
	got := strings.Join(parts, "\n---\n")
	if strings.ContainsAny(got, "<>") {
		w.t.Errorf("%q: markup reached Zalo: %q", text, got)
	}
	return got
}

// A resident on Zalo does everything a Telegram resident does, in plain
// text with numbered choices and commands typed as words: subscribes by a
// former ward's name, asks about Digital Transformation Day and gets the
// answer with its source, switches to English, sees their data (their
// Zalo id in it) and erases it.
func TestZaloResidentEndToEnd(t *testing.T) {
	w := newZaloWorld(t)
	mai := zalofake.User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Mai Hà Nội"}

	contains(t, w.say(mai, "đăng ký"), "phường/xã")
	// an exact former ward's name subscribes at once (issue 9, item 22)
	contains(t, w.say(mai, "hàng bạc"), "Hàng Bạc", "thuộc Phường Hoàn Kiếm", "Đã xong")
	loc, err := w.st.LocalityByCode(w.ctx, "phuong-hoan-kiem")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := w.st.SubscriberByExternal(w.ctx, zalo.Name, mai.ID)
	if err != nil || sub.LocalityID.Int64 != loc.ID || sub.ChatID.Valid && sub.ChatID.Int64 != 0 {
		t.Fatalf("subscriber %+v, %v", sub, err)
	}

	ans := w.say(mai, "Ngày Chuyển đổi số quốc gia là ngày nào?")
	contains(t, ans, "10/10", "Nguồn:", "Trả lời bằng số")

	menu := w.say(mai, "/lang")
	contains(t, w.say(mai, number(t, menu, "English")), "English")
	if s, _ := w.st.SubscriberByExternal(w.ctx, zalo.Name, mai.ID); s.Locale != "en" {
		t.Fatalf("locale %q", s.Locale)
	}

	contains(t, w.say(mai, "my data"), "Zalo", mai.ID, "Mai Hà Nội")
	confirm := w.say(mai, "forget")
	contains(t, w.say(mai, number(t, confirm, "Erase")), "erased")
	if _, err := w.st.SubscriberByExternal(w.ctx, zalo.Name, mai.ID); err == nil {
		t.Error("the subscriber is still there after /forget")
	}
	if n := w.count(`SELECT count(*) FROM subscribers WHERE channel = 'zalo'`); n != 0 {
		t.Errorf("%d Zalo subscribers left", n)
	}
	if strings.Contains(w.logs.String(), mai.ID) || strings.Contains(w.logs.String(), "Mai Hà Nội") {
		t.Errorf("a Zalo id or name was logged: %s", w.logs.String())
	}
}

func (w *zaloWorld) count(q string) int {
	w.t.Helper()
	var n int
	if err := w.st.DB().GetContext(w.ctx, &n, q); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// The Vietnamese command words work with and without diacritics.
func TestZaloCommandWords(t *testing.T) {
	w := newZaloWorld(t)
	u := zalofake.User{ID: "a1b2c3", DisplayName: "Tú"}
	for word, want := range map[string]string{
		"trợ giúp":        "Loa có thể giúp bạn",
		"Tro giup":        "Loa có thể giúp bạn",
		"ngôn ngữ":        "2. English",
		"dữ liệu của tôi": "Zalo (mã a1b2c3)",
		"xóa dữ liệu":     "1. Xóa",
		"/help":           "Loa có thể giúp bạn",
		"help":            "Loa có thể giúp bạn",
		"đăng ký":         "phường/xã",
		"hủy":             "",
	} {
		got := w.say(u, word)
		if want != "" {
			contains(t, got, want)
		}
	}
}

// A retried delivery (same message_id) is answered once; a photo and a
// sticker get a polite text reply; a withheld (unsupported) message gets
// the generic reply and leaves no trace: no subscriber row, nothing logged.
func TestZaloEventsDedupMediaAndUnsupported(t *testing.T) {
	w := newZaloWorld(t)
	u := zalofake.User{ID: "d00d", DisplayName: "Bảo"}
	for range 3 {
		if code := w.deliver(zalofake.EventText, "same-id", u, "/help"); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if n := w.fake.CountTo(u.ID); n != 1 {
		t.Errorf("one event delivered three times got %d answers", n)
	}
	w.deliver(zalofake.EventImage, "img-1", u, "")
	w.deliver(zalofake.EventSticker, "stk-1", u, "")
	sent := w.fake.SentTo(u.ID)
	if len(sent) != 3 || !strings.Contains(sent[1].Text, "chỉ đọc được tin nhắn chữ") || sent[2].Text != sent[1].Text {
		t.Errorf("media replies: %+v", sent)
	}

	shy := zalofake.User{ID: "protected-77", DisplayName: "Em Nhỏ"}
	w.deliver(zalofake.EventUnsupported, "uns-1", shy, "")
	got := w.fake.SentTo(shy.ID)
	if len(got) != 1 || !strings.Contains(got[0].Text, "Cảm ơn bạn đã nhắn tin") {
		t.Errorf("unsupported reply: %+v", got)
	}
	if n := w.count(`SELECT count(*) FROM subscribers WHERE external_id LIKE '%protected%' OR first_name = 'Em Nhỏ'`); n != 0 {
		t.Errorf("a withheld sender was stored (%d rows)", n)
	}
	if n := w.count(`SELECT count(*) FROM subscribers WHERE channel = 'zalo'`); n != 1 {
		t.Errorf("%d Zalo subscribers, want only the one who wrote text", n)
	}
	if strings.Contains(w.logs.String(), shy.ID) || strings.Contains(w.logs.String(), "Em Nhỏ") {
		t.Errorf("a withheld sender was logged: %s", w.logs.String())
	}
}

// An invite reaches a Zalo resident as text to send the bot (a zalo.me link
// carries no payload): "/start <payload>" joins the agency's member list.
func TestZaloInviteText(t *testing.T) {
	w := newZaloWorld(t)
	var agencyID int64
	if err := w.st.DB().GetContext(w.ctx, &agencyID, `SELECT id FROM agencies ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(24 * time.Hour)
	inv, err := w.st.CreateInvite(w.ctx, store.CLIActor, agencyID, 0, exp)
	if err != nil {
		t.Fatal(err)
	}
	u := zalofake.User{ID: "member-9", DisplayName: "Hùng"}
	w.say(u, zalo.InviteText(invite.Sign(testKey, inv.ID, exp)))
	if n := w.count(`SELECT count(*) FROM agency_members m JOIN subscribers s ON s.id = m.subscriber_id WHERE s.channel = 'zalo'`); n != 1 {
		t.Errorf("%d Zalo agency members after the invite, want 1", n)
	}
}
