package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/conv"
	"github.com/loa-vn/loa/bot/tgfake"
)

// TestShutdownDrainsHandlers: a reply in flight when the process is told to
// stop still reaches the resident, and Poll returns only after it.
func TestShutdownDrainsHandlers(t *testing.T) {
	h, cancel := newBot(t, Config{}, conv.Config{})
	defer cancel()
	runCtx, stop := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	go func() { done <- h.bot.Poll(runCtx, nil) }()
	h.fake.FailNext(lan.ID, tgfake.Slow(700*time.Millisecond), 1)
	h.fake.SendText(lan, "/help")
	waitFor(t, func() bool { return h.fake.Calls("sendMessage") > 0 }) // the reply is on the wire
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := h.fake.CountTo(lan.ID); n != 1 {
		t.Fatalf("reply in flight at shutdown: %d delivered, want 1", n)
	}
}

// TestTokenNeverLogged: the library's network errors quote the request URL.
func TestTokenNeverLogged(t *testing.T) {
	b := &Bot{cfg: Config{Token: "123:SECRET"}}
	if got := b.redact(errString(`Post "https://api.telegram.org/bot123:SECRET/getUpdates": EOF`)); got !=
		`Post "https://api.telegram.org/bot<token>/getUpdates": EOF` {
		t.Fatalf("redacted: %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
