package zalo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/bot/zalofake"
)

const secret = "hanoi-webhook-secret"

var lan = zalofake.User{ID: "6ede9afa66b88fe6d6a9", DisplayName: "Nguyễn Thị Lan"}

// collector is a Handler that keeps what it got.
type collector struct {
	mu     sync.Mutex
	events []Event
	fail   int // fail this many calls first
	got    chan struct{}
}

func newCollector() *collector { return &collector{got: make(chan struct{}, 100)} }

func (c *collector) handle(_ context.Context, e Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail > 0 {
		c.fail--
		return errors.New("store unavailable")
	}
	c.events = append(c.events, e)
	c.got <- struct{}{}
	return nil
}

func (c *collector) all() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Event(nil), c.events...)
}

func (c *collector) wait(t *testing.T, n int) []Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(c.all()) < n {
		select {
		case <-c.got:
		case <-ctx.Done():
			t.Fatalf("got %d events, want %d", len(c.all()), n)
		}
	}
	return c.all()
}

// debugLog captures every log line, debug included.
func debugLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

func TestWebhookRefusesAWrongSecret(t *testing.T) {
	col := newCollector()
	wh, err := NewWebhook(secret, col.handle)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"ok":true,"result":{"event_name":"message.text.received","message":{"from":{"id":"u"},"chat":{"id":"u"},"text":"x","message_id":"m1","date":1}}}`
	cases := []struct {
		name, method, secret string
		set                  bool
		want                 int
	}{
		{"missing", http.MethodPost, "", false, 403},
		{"empty", http.MethodPost, "", true, 403},
		{"wrong", http.MethodPost, "hanoi-webhook-secreT", true, 403},
		{"prefix", http.MethodPost, "hanoi-webhook", true, 403},
		{"longer", http.MethodPost, secret + "x", true, 403},
		{"GET", http.MethodGet, secret, true, 405},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, "/zalo/webhook", strings.NewReader(body))
		if c.set {
			req.Header.Set(SecretHeader, c.secret)
		}
		rec := httptest.NewRecorder()
		wh.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
		}
	}
	if n := len(col.all()); n != 0 {
		t.Fatalf("%d events processed behind a refused secret", n)
	}
	for _, c := range []struct {
		body string
		want int
	}{
		{body, 200},
		{"not json", 400},
		{`{"ok":true,"result":{"event_name":"message.reaction.received","message":{}}}`, 200}, // ignored
		{strings.Repeat(" ", MaxWebhookBody+1), 413},
	} {
		req := httptest.NewRequest(http.MethodPost, "/zalo/webhook", strings.NewReader(c.body))
		req.Header.Set(SecretHeader, secret)
		rec := httptest.NewRecorder()
		wh.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("body %.30q: %d, want %d", c.body, rec.Code, c.want)
		}
	}
	if n := len(col.all()); n != 1 {
		t.Errorf("%d events, want 1", n)
	}
	if _, err := NewWebhook("short", col.handle); err == nil {
		t.Error("NewWebhook accepted a 5-character secret")
	}
}

// webhookSetup points the fake's webhook at a Loa webhook handler.
func webhookSetup(t *testing.T, col *collector, opts ...IntakeOption) *zalofake.Server {
	t.Helper()
	wh, err := NewWebhook(secret, col.handle, opts...)
	if err != nil {
		t.Fatal(err)
	}
	loa := httptest.NewServer(wh)
	t.Cleanup(loa.Close)
	fake := zalofake.New(zalofake.WithToken(testToken), zalofake.WithHTTPWebhooks())
	t.Cleanup(fake.Close)
	c, err := NewClient(testToken, fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetWebhook(context.Background(), loa.URL+"/zalo/webhook", secret); err != nil {
		t.Fatal(err)
	}
	return fake
}

func waitDeliveries(t *testing.T, fake *zalofake.Server, ok int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _ := fake.Deliveries(); got >= ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fake delivered fewer than %d events", ok)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWebhookDeliversADuplicateOnce(t *testing.T) {
	col := newCollector()
	fake := webhookSetup(t, col)
	id := fake.SendText(lan, "đăng ký Hàng Trống")
	fake.Redeliver(id)
	fake.SendSticker(lan, "0e078a2fb66a5f34067b", "https://stickers.zaloapp.com/x")
	waitDeliveries(t, fake, 3) // each POST is answered after its handling
	got := col.all()
	if len(got) != 2 {
		t.Fatalf("handled %d events, want 2 (the duplicate once): %+v", len(got), got)
	}
	e := got[0]
	if e.Channel != "zalo" || e.Kind != KindText || e.MessageID != id || e.UserID != lan.ID || e.ChatID != lan.ID ||
		e.Name != lan.DisplayName || e.Text != "đăng ký Hàng Trống" || e.Group || e.Date.IsZero() {
		t.Errorf("text event = %+v", e)
	}
	if got[1].Kind != KindSticker || got[1].Text != "" || got[1].UserID != lan.ID {
		t.Errorf("sticker event = %+v", got[1])
	}
}

func TestWebhookHandlerFailureIsRetried(t *testing.T) {
	col := newCollector()
	col.fail = 1
	fake := webhookSetup(t, col)
	fake.SendText(lan, "xóa dữ liệu")
	if got := col.wait(t, 1); got[0].Text != "xóa dữ liệu" {
		t.Errorf("after a retry: %+v", got)
	}
	if _, failed := fake.Deliveries(); failed != 1 {
		t.Errorf("failed deliveries = %d, want 1 (answered 500)", failed)
	}
}

func TestUnsupportedEventIsNotExposed(t *testing.T) {
	col := newCollector()
	log, buf := debugLog()
	fake := webhookSetup(t, col, WithIntakeLogger(log))
	protected := zalofake.User{ID: "a1b2c3d4e5f6a7b8c9d0", DisplayName: "Bé Minh"}
	fake.SendUnsupported(protected)
	e := col.wait(t, 1)[0]
	if !e.GenericReplyDue() || e.Kind != KindUnsupported {
		t.Fatalf("event = %+v, want a generic reply due", e)
	}
	if e.UserID != "" || e.Name != "" || e.Text != "" {
		t.Errorf("unsupported event exposes sender data: %+v", e)
	}
	if e.ChatID != protected.ID {
		t.Errorf("ChatID = %q: the generic reply needs where to go", e.ChatID)
	}
	slog.New(log.Handler()).Info("event", "e", e) // an Event logged whole by mistake
	for _, secretData := range []string{protected.ID, protected.DisplayName} {
		if strings.Contains(buf.String(), secretData) {
			t.Errorf("log holds %q:\n%s", secretData, buf.String())
		}
	}
}

func TestNothingFromAMessageIsLogged(t *testing.T) {
	col := newCollector()
	log, buf := debugLog()
	fake := webhookSetup(t, col, WithIntakeLogger(log))
	fake.SendText(lan, "số điện thoại 0912345678")
	col.wait(t, 1)
	for _, s := range []string{lan.ID, lan.DisplayName, "0912345678"} {
		if strings.Contains(buf.String(), s) {
			t.Errorf("log holds %q:\n%s", s, buf.String())
		}
	}
}

func TestParseEvent(t *testing.T) {
	msg := `"message":{"from":{"id":"u1","display_name":"Ted","is_bot":%s},"chat":{"id":"c1","chat_type":"%s"},"text":"Xin chào","message_id":"m1","date":1750316131602}`
	ev := func(name, isBot, chatType string) string {
		return `{"event_name":"` + name + `",` + fmt.Sprintf(msg, isBot, chatType) + `}`
	}
	cases := []struct {
		name string
		raw  string
		want Event
		err  error
	}{
		{"bare", ev("message.text.received", "false", "PRIVATE"),
			Event{Channel: "zalo", MessageID: "m1", Kind: KindText, UserID: "u1", ChatID: "c1", Name: "Ted", Text: "Xin chào"}, nil},
		{"enveloped", `{"ok":true,"result":` + ev("message.text.received", "false", "PRIVATE") + `}`,
			Event{Channel: "zalo", MessageID: "m1", Kind: KindText, UserID: "u1", ChatID: "c1", Name: "Ted", Text: "Xin chào"}, nil},
		{"group", ev("message.image.received", "false", "GROUP"),
			Event{Channel: "zalo", MessageID: "m1", Kind: KindImage, UserID: "u1", ChatID: "c1", Name: "Ted", Group: true}, nil},
		{"unsupported", ev("message.unsupported.received", "false", "PRIVATE"),
			Event{Channel: "zalo", MessageID: "m1", Kind: KindUnsupported, ChatID: "c1"}, nil},
		{"from a bot", ev("message.text.received", "true", "PRIVATE"), Event{}, errIgnored},
		{"unknown event", ev("message.reaction.received", "false", "PRIVATE"), Event{}, errIgnored},
		{"no message", `{"event_name":"message.text.received"}`, Event{}, errIgnored},
	}
	for _, c := range cases {
		got, err := parseEvent([]byte(c.raw))
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
			continue
		}
		got.Date = time.Time{}
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if _, err := parseEvent([]byte("[1,2]")); err == nil || errors.Is(err, errIgnored) {
		t.Errorf("an array is not an event: %v", err)
	}
}

func TestPollerDeletesTheWebhookAndDeduplicates(t *testing.T) {
	fake, c := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.SetWebhook(ctx, "https://loa.example/zalo", secret); err != nil {
		t.Fatal(err)
	}
	id := fake.SendText(lan, "trợ giúp")
	fake.Redeliver(id)
	fake.SendImage(lan, "https://x.vn/a.jpg", "ảnh")
	fake.SendUnsupported(lan)
	col := newCollector()
	p := NewPoller(c, col.handle, []PollOption{WithPollTimeout(time.Second), WithPollBackoff(time.Millisecond, time.Millisecond)})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	got := col.wait(t, 3)
	for fake.Pending() > 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil after ctx ends", err)
	}
	got = col.all()
	if len(got) != 3 {
		t.Fatalf("handled %d events, want 3 (the duplicate once)", len(got))
	}
	kinds := []MessageKind{got[0].Kind, got[1].Kind, got[2].Kind}
	if kinds[0] != KindText || kinds[1] != KindImage || kinds[2] != KindUnsupported {
		t.Errorf("kinds = %v", kinds)
	}
	if fake.Calls("deleteWebhook") != 1 {
		t.Errorf("deleteWebhook called %d times", fake.Calls("deleteWebhook"))
	}
}

func TestPollerStopsOnAnInvalidToken(t *testing.T) {
	fake, _ := newFake(t)
	c, err := NewClient("1459232241454765289:reset", fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	p := NewPoller(c, newCollector().handle, nil)
	if err := p.Run(context.Background()); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("Run = %v, want ErrTokenInvalid", err)
	}
}

func TestPollerRetriesAfterServerErrors(t *testing.T) {
	fake, c := newFake(t)
	failures := 2
	var mu sync.Mutex
	fake.SetFault(func(method, _ string) *zalofake.Fault {
		mu.Lock()
		defer mu.Unlock()
		if method == "getUpdates" && failures > 0 {
			failures--
			f := zalofake.ServerError(502)
			return &f
		}
		return nil
	})
	fake.SendText(lan, "ngôn ngữ")
	col := newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := NewPoller(c, col.handle, []PollOption{WithPollTimeout(time.Second), WithPollBackoff(time.Millisecond, 2*time.Millisecond)})
	go func() { _ = p.Run(ctx) }()
	if got := col.wait(t, 1); got[0].Text != "ngôn ngữ" {
		t.Errorf("got %+v", got)
	}
}

func TestMemoryDeduperIsBounded(t *testing.T) {
	d := NewMemoryDeduper(2)
	ctx := context.Background()
	for _, step := range []struct {
		id    string
		first bool
	}{{"a", true}, {"b", true}, {"a", false}, {"c", true}, {"a", false}, {"b", true}} {
		if got, _ := d.First(ctx, step.id); got != step.first {
			t.Errorf("First(%s) = %v, want %v", step.id, got, step.first)
		}
	}
	if d.Len() != 2 {
		t.Errorf("Len = %d", d.Len())
	}
	_ = d.Forget(ctx, "a")
	if first, _ := d.First(ctx, "a"); !first {
		t.Error("a forgotten id is not new again")
	}
}

func TestRedisDeduper(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis: %v", err)
	}
	prefix := fmt.Sprintf("loa:test:zalo:%d:", time.Now().UnixNano())
	d := NewRedisDeduper(rdb, prefix, time.Minute)
	defer rdb.Del(ctx, prefix+"m1")
	if first, err := d.First(ctx, "m1"); !first || err != nil {
		t.Fatalf("First = %v, %v", first, err)
	}
	if first, _ := d.First(ctx, "m1"); first {
		t.Error("a seen id is new")
	}
	if ttl := rdb.TTL(ctx, prefix+"m1").Val(); ttl <= 0 {
		t.Errorf("TTL = %v, want one", ttl)
	}
	if err := d.Forget(ctx, "m1"); err != nil {
		t.Fatal(err)
	}
	if first, _ := d.First(ctx, "m1"); !first {
		t.Error("a forgotten id is not new")
	}
}
