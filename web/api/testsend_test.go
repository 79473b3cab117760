package api_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
	"github.com/loa-vn/loa/web/api"
)

type fakeSender struct {
	mu   sync.Mutex
	sent map[int64][]messages.Part
}

// the fake renders and measures as Telegram does; only Send is fake
func (f *fakeSender) Name() string           { return "telegram" }
func (f *fakeSender) Limits() channel.Limits { return messages.TelegramLimits }
func (f *fakeSender) Render(v messages.Variant, split bool) ([]channel.Part, error) {
	return messages.Render(v, split)
}

func (f *fakeSender) Send(_ context.Context, to string, p messages.Part) channel.Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	chatID, _ := strconv.ParseInt(to, 10, 64)
	f.sent[chatID] = append(f.sent[chatID], p)
	return channel.Outcome{Kind: channel.Sent}
}

func TestTestSendGoesToOwnLinkedChat(t *testing.T) {
	fs := &fakeSender{sent: map[int64][]messages.Part{}}
	e := newEnv(t, func(d *api.Deps) { d.Sender = fs })
	e.subscribers(2, "phuong-hoan-kiem")
	var b store.BroadcastDraft
	e.must(e.call("editor", "POST", "/api/v1/broadcasts", dtDay("test")), 201).json(t, &b)
	path := "/api/v1/broadcasts/" + itoa(b.ID) + "/test?locale=en"
	// not linked yet: refused with a clear message
	e.must(e.call("editor", "POST", path, nil), 422)
	var lc struct{ Code string }
	e.must(e.call("editor", "POST", "/api/v1/staff/me/link-code", nil), 201).json(t, &lc)
	if _, err := e.st.RedeemLinkCode(context.Background(), lc.Code, 4242); err != nil {
		t.Fatal(err)
	}
	e.must(e.call("editor", "POST", path, nil), 200)
	if got := fs.sent[4242]; len(got) != 1 || got[0].Text == "" || len(fs.sent) != 1 {
		t.Fatalf("sent %+v", fs.sent)
	}
	e.must(e.call("viewer", "POST", path, nil), 403)
	if e.auditCount("broadcast.test_send") != 1 {
		t.Error("test send not audited")
	}
}
