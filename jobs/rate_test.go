package jobs

import (
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/store"
)

// Three workers (in-process Asynq servers, each with its own engine and
// Redis connections) share one limit and stay under a fake Bot API that
// enforces Telegram's 30 messages/s exactly. Not parallel: it measures
// timing, so it runs before this package's parallel tests start.
func TestThreeWorkersHoldTheSharedRate(t *testing.T) {
	const rate, n = 30, 150 // ~5 s
	v := newEnv(t, envOpts{rate: rate, tg: []tgfake.Option{tgfake.WithRateLimit(rate)}})
	v.subscribers(n)
	for range 3 {
		e := NewEngine(v.st, v.rdb, asynqOpt(v.ropt), v.e.Sender, NewLimiter(v.rdb, rate, nil), nil, testLog(), fastCfg())
		t.Cleanup(e.Close)
		v.worker(e, 4)
	}
	run := v.startRun()
	v.waitStatus(run, store.RunDone, 30*time.Second)
	sent := v.tg.Sent()
	if len(sent) != n || v.tg.TooManyCount() != 0 {
		t.Fatalf("%d sent, %d answers of 429; want %d and none", len(sent), v.tg.TooManyCount(), n)
	}
	got := float64(n-1) / sent[n-1].Time.Sub(sent[0].Time).Seconds()
	t.Logf("measured %.2f msg/s at a configured %d", got, rate)
	if got < rate*0.95 || got > rate*1.0 {
		t.Errorf("rate %.2f msg/s, want within 5%% below %d", got, rate)
	}
}
