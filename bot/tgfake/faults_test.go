package tgfake

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

func TestFaultsSurfaceAsGoTelegramErrors(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	send := func(chat int64) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "hi"})
		return err
	}

	srv.FailNext(10, TooManyRequests(7), 1)
	var tmr *bot.TooManyRequestsError
	if err := send(10); !errors.As(err, &tmr) || tmr.RetryAfter != 7 {
		t.Errorf("429: %v", err)
	}
	srv.FailNext(10, Blocked(), 1)
	if err := send(10); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "blocked") {
		t.Errorf("blocked: %v", err)
	}
	srv.FailNext(10, Deactivated(), 1)
	if err := send(10); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "deactivated") {
		t.Errorf("deactivated: %v", err)
	}
	srv.FailNext(10, ChatNotFound(), 1)
	if err := send(10); !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "chat not found") {
		t.Errorf("chat not found: %v", err)
	}
	srv.FailNext(-10, Migrated(-1001234567890), 1)
	var mig *bot.MigrateError
	if err := send(-10); !errors.As(err, &mig) || mig.MigrateToChatID != -1001234567890 {
		t.Errorf("migrated: %v", err)
	}
	srv.FailNext(AnyChat, ServerError(502), 1)
	if err := send(11); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("5xx: %v", err)
	}
	srv.FailNext(10, Drop(), 1)
	if err := send(10); err == nil || !strings.Contains(err.Error(), "error do request") {
		t.Errorf("drop: %v", err)
	}
	srv.FailNext(10, Slow(150*time.Millisecond), 1)
	start := time.Now()
	if err := send(10); err != nil || time.Since(start) < 150*time.Millisecond {
		t.Errorf("slow: %v after %v", err, time.Since(start))
	}
	if err := send(10); err != nil {
		t.Errorf("faults not consumed: %v", err)
	}
	if got := len(srv.SentTo(10)); got != 2 {
		t.Errorf("accepted sends to 10: %d, want 2 (slow + last)", got)
	}
	if srv.TooManyCount() != 1 {
		t.Errorf("TooManyCount %d", srv.TooManyCount())
	}
}

func TestFailNextCountsAndHook(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	srv.FailNext(20, ServerError(500), 3)
	fails := 0
	for i := 0; i < 5; i++ {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 20, Text: "x"}); err != nil {
			fails++
		}
	}
	if fails != 3 {
		t.Errorf("failures %d, want 3", fails)
	}
	srv.SetFault(func(method string, chatID int64) *Fault {
		if method == "sendMessage" && chatID%2 == 0 {
			f := Deactivated()
			return &f
		}
		return nil
	})
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 22, Text: "x"}); !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("hook even: %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 23, Text: "x"}); err != nil {
		t.Errorf("hook odd: %v", err)
	}
	srv.SetFault(nil)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 22, Text: "x"}); err != nil {
		t.Errorf("hook removed: %v", err)
	}
}

// Faults are set while sends are in flight; -race checks the bookkeeping.
func TestFaultsRaceSafe(t *testing.T) {
	srv := newFake(t)
	b := newClient(t, srv)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if g%2 == 0 {
					srv.FailNext(AnyChat, TooManyRequests(1), 1)
					continue
				}
				_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(g), Text: "x"})
			}
		}(g)
	}
	wg.Wait()
	if srv.Count()+srv.TooManyCount() != 100 {
		t.Errorf("count %d + 429s %d != 100", srv.Count(), srv.TooManyCount())
	}
}
