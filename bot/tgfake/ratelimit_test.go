package tgfake

import (
	"errors"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

func TestWindowRetryAfter(t *testing.T) {
	w := newWindow(3)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if ok, _ := w.allow(t0.Add(time.Duration(i) * 100 * time.Millisecond)); !ok {
			t.Fatalf("send %d refused", i)
		}
	}
	if ok, retry := w.allow(t0.Add(300 * time.Millisecond)); ok || retry != 1 {
		t.Fatalf("4th in window: ok=%v retry=%d", ok, retry)
	}
	// The oldest send leaves the window exactly 1s after it happened.
	if ok, _ := w.allow(t0.Add(time.Second)); !ok {
		t.Fatal("slot did not free after 1s")
	}
	if ok, _ := w.allow(t0.Add(time.Second + 50*time.Millisecond)); ok {
		t.Fatal("second slot freed too early")
	}
}

func TestRateLimiterAnswers429OnlyWhenExceeded(t *testing.T) {
	srv := newFake(t, WithRateLimit(20))
	b := newClient(t, srv)
	ctx := testCtx(t)
	send := func(chat int64, paid bool) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "tin", AllowPaidBroadcast: paid})
		return err
	}
	// Below the rate: 20 sends paced at 15/s never see a 429.
	for i := 0; i < 20; i++ {
		if err := send(int64(100+i), false); err != nil {
			t.Fatalf("paced send %d: %v", i, err)
		}
		time.Sleep(time.Second / 15)
	}
	time.Sleep(1100 * time.Millisecond) // let the window empty
	limited := 0
	for i := 0; i < 40; i++ {
		var tmr *bot.TooManyRequestsError
		err := send(int64(200+i), false)
		if errors.As(err, &tmr) {
			limited++
			if tmr.RetryAfter != 1 {
				t.Errorf("retry_after %d, want 1", tmr.RetryAfter)
			}
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if limited != 20 || srv.TooManyCount() != 20 {
		t.Errorf("burst of 40 at limit 20: %d limited, TooManyCount %d", limited, srv.TooManyCount())
	}
	// Paid broadcast has its own, much higher allowance.
	if err := send(300, true); err != nil {
		t.Errorf("paid broadcast limited: %v", err)
	}
	if srv.PaidCount() != 1 || srv.Count() != 41 {
		t.Errorf("paid %d count %d", srv.PaidCount(), srv.Count())
	}
}

// The strict limiter allows no burst: a send 1/rate after the previous
// one passes, one a millisecond earlier does not.
func TestStrictLimiterAllowsNoBurst(t *testing.T) {
	g := &gcra{interval: time.Second / 30}
	t0 := time.Unix(1_700_000_000, 0)
	if ok, _ := g.allow(t0); !ok {
		t.Fatal("first send refused")
	}
	if ok, retry := g.allow(t0.Add(g.interval - time.Millisecond)); ok || retry != 1 {
		t.Errorf("a send closer than 1/rate: allowed %v, retry_after %d", ok, retry)
	}
	if ok, _ := g.allow(t0.Add(g.interval)); !ok {
		t.Error("a send 1/rate later refused")
	}
	if ok, _ := g.allow(t0.Add(10 * time.Second)); !ok {
		t.Error("after idling, refused")
	}
	if ok, _ := g.allow(t0.Add(10*time.Second + g.interval/2)); ok {
		t.Error("idle time earned a burst")
	}
}
