package zalo

import (
	"context"
	"errors"
	"github.com/loa-vn/loa/bot/channel"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/zalofake"
)

const testToken = "1459232241454765289:TopSecretDoNotLeak"

func newFake(t *testing.T, opts ...zalofake.Option) (*zalofake.Server, *Client) {
	t.Helper()
	srv := zalofake.New(append([]zalofake.Option{zalofake.WithToken(testToken)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := NewClient(testToken, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestSendReachesTheFake(t *testing.T) {
	srv, c := newFake(t)
	ctx := context.Background()
	if o := c.SendText(ctx, "chat-1", "Chào Lan & Hà Nội"); o.Kind != channel.Sent {
		t.Fatalf("Send = %+v", o)
	}
	if o := c.SendPart(ctx, "chat-1", channel.Part{PhotoURL: "https://hanoi.gov.vn/a.jpg", Text: "Ảnh"}); o.Kind != channel.Sent {
		t.Fatalf("SendPart photo = %+v", o)
	}
	got := srv.SentTo("chat-1")
	if len(got) != 2 || got[0].Text != "Chào Lan & Hà Nội" || got[1].Photo != "https://hanoi.gov.vn/a.jpg" || got[1].Caption != "Ảnh" {
		t.Errorf("fake got %+v", got)
	}
	if err := c.SendChatAction(ctx, "chat-1", "typing"); err != nil {
		t.Error(err)
	}
	if c.Sent() != 2 {
		t.Errorf("Sent() = %d", c.Sent())
	}
}

func TestSendOutcomesAgainstTheFake(t *testing.T) {
	srv, c := newFake(t)
	cases := []struct {
		name    string
		fault   *zalofake.Fault
		text    string
		want    channel.Kind
		invalid bool
	}{
		{"blocked", ptr(zalofake.Forbidden()), "x", channel.Blocked, false},
		{"chat not found", ptr(zalofake.ChatNotFound()), "x", channel.Blocked, false},
		{"quota", ptr(zalofake.QuotaExceeded()), "x", channel.RateLimited, false},
		{"token", ptr(zalofake.Unauthorized()), "x", channel.Unavailable, true},
		{"5xx", ptr(zalofake.ServerError(500)), "x", channel.Transient, false},
		{"dropped connection", ptr(zalofake.Drop()), "x", channel.Unknown, false},
		{"too long", nil, strings.Repeat("a", 2001), channel.Failed, false},
		{"empty", nil, "", channel.Failed, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chat := "chat-" + strings.ReplaceAll(tc.name, " ", "-")
			if tc.fault != nil {
				srv.FailNext(chat, *tc.fault, 1)
			}
			o := c.SendText(context.Background(), chat, tc.text)
			if o.Kind != tc.want || (o.Kind == channel.Unavailable) != tc.invalid {
				t.Errorf("Send = %+v, want %v", o, tc.want)
			}
			if strings.Contains(o.Reason, "TopSecret") {
				t.Errorf("reason leaks the token: %q", o.Reason)
			}
			if tc.want == channel.RateLimited && o.RetryAfter < time.Second {
				t.Errorf("RetryAfter = %v, want a backoff of at least 1s", o.RetryAfter)
			}
		})
	}
}

func TestNetworkErrorsNeverShowTheToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now: connection refused
	c, err := NewClient(testToken, "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	o := c.SendText(context.Background(), "chat", "x")
	if o.Kind != channel.Transient {
		t.Errorf("refused connection = %+v, want channel.Transient (the request never left)", o)
	}
	_, err = c.GetMe(context.Background())
	for _, s := range []string{o.Reason, err.Error()} {
		if strings.Contains(s, "TopSecret") || strings.Contains(s, testToken) {
			t.Errorf("token in %q", s)
		}
	}
}

func TestInterruptedSendIsUnknown(t *testing.T) {
	srv, c := newFake(t)
	arrived := make(chan struct{})
	srv.SetFault(func(method, chatID string) *zalofake.Fault {
		if method == "sendMessage" {
			close(arrived)
			f := zalofake.Slow(time.Minute)
			return &f
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	if o := c.SendText(ctx, "chat", "x"); o.Kind != channel.Unknown {
		t.Errorf("Send cancelled after the request arrived = %+v, want Unknown", o)
	}
}

func TestWrongTokenIsTokenInvalid(t *testing.T) {
	srv, _ := newFake(t)
	c, err := NewClient("1459232241454765289:reset-long-ago", srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if o := c.SendText(context.Background(), "chat", "x"); o.Kind != channel.Unavailable {
		t.Errorf("Send = %+v, want token invalid", o)
	}
	if _, err := c.GetMe(context.Background()); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("GetMe = %v, want ErrTokenInvalid", err)
	}
}

func TestNewClientRefusesBadInput(t *testing.T) {
	for _, tc := range []struct{ token, url string }{{"", ""}, {"a/b", ""}, {"t", "ftp://x"}, {"t", "::"}} {
		if _, err := NewClient(tc.token, tc.url); err == nil {
			t.Errorf("NewClient(%q, %q) accepted", tc.token, tc.url)
		}
	}
	c, err := NewClient("t:1", "")
	if err != nil || !strings.HasPrefix(c.base, DefaultAPIURL+"/bott:1/") {
		t.Errorf("default base = %q, %v", c.base, err)
	}
}

func TestGetMeAndWebhookCalls(t *testing.T) {
	_, c := newFake(t)
	ctx := context.Background()
	me, err := c.GetMe(ctx)
	if err != nil || me.ID != "1459232241454765289" || me.AccountType != "BASIC" {
		t.Fatalf("GetMe = %+v, %v", me, err)
	}
	if err := c.SetWebhook(ctx, "https://loa.example/zalo/webhook", "short"); err == nil {
		t.Error("SetWebhook accepted a 5-character secret")
	}
	if err := c.SetWebhook(ctx, "http://loa.example/zalo/webhook", "long-enough-secret"); err == nil {
		t.Error("the fake accepted an http webhook")
	}
	if err := c.SetWebhook(ctx, "https://loa.example/zalo/webhook", "long-enough-secret"); err != nil {
		t.Fatal(err)
	}
	info, err := c.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://loa.example/zalo/webhook" || info.UpdatedAt == 0 {
		t.Errorf("GetWebhookInfo = %+v, %v", info, err)
	}
	if _, err := c.GetUpdates(ctx, 0); err == nil {
		t.Error("getUpdates worked while a webhook is set")
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if evs, err := c.GetUpdates(ctx, 0); err != nil || len(evs) != 0 {
		t.Errorf("empty GetUpdates = %v, %v; want none, no error (the platform's 408)", evs, err)
	}
}

// TestConnectionsAreReused: sequential sends share one keep-alive connection.
func TestConnectionsAreReused(t *testing.T) {
	fake := zalofake.New(zalofake.WithToken(testToken))
	defer fake.Close()
	var conns atomic.Int32
	ts := httptest.NewUnstartedServer(fake) // the fake is an http.Handler
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()
	c, err := NewClient(testToken, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if o := c.SendText(context.Background(), "chat", "x"); o.Kind != channel.Sent {
			t.Fatal(o)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sends opened %d connections, want 1", n)
	}
}

func TestSplitResult(t *testing.T) {
	cases := map[string]int{
		`{"event_name":"message.text.received"}`:  1,
		`[{"event_name":"a"},{"event_name":"b"}]`: 2,
		`[]`:   0,
		`null`: 0,
		`{}`:   0,
		``:     0,
	}
	for in, want := range cases {
		got, err := splitResult([]byte(in))
		if err != nil || len(got) != want {
			t.Errorf("splitResult(%s) = %d events, %v; want %d", in, len(got), err, want)
		}
	}
}

func ptr(f zalofake.Fault) *zalofake.Fault { return &f }
