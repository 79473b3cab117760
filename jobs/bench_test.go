package jobs

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/loa-vn/loa/bot/tgfake"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// BenchmarkFreeze freezes a 10,000-subscriber audience per iteration.
func BenchmarkFreeze(b *testing.B) {
	v := newEnv(b, envOpts{})
	v.subscribers(10_000)
	bid := v.broadcast(messages.Audience{})
	b.ResetTimer()
	for i := range b.N {
		run, err := v.st.CreateRun(v.ctx, bid, time.Unix(int64(i), 0), store.CLIActor)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.st.FreezeAudience(v.ctx, run, 500); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSendRun sends whole 5,000-recipient runs (LOA_BENCH_SEND) against
// the fake with no rate limit, delivery records included, default settings.
func BenchmarkSendRun(b *testing.B) {
	n := 5000
	if v := os.Getenv("LOA_BENCH_SEND"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	cfg := DefaultConfig() // the production defaults (issue 13)
	cfg.Backoff = fastCfg().Backoff
	v := newEnv(b, envOpts{cfg: cfg, tg: []tgfake.Option{tgfake.WithoutRecording()}})
	v.subscribers(n)
	v.worker(v.e, 16)
	bid := v.broadcast(messages.Audience{})
	b.ResetTimer()
	for i := range b.N {
		run := v.startRunOf(bid, time.Unix(int64(i), 0))
		v.waitStatus(run, store.RunDone, time.Minute)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msg/s")

}

// BenchmarkSendRunCapped is BenchmarkSendRun at the paid cap (1000/s, real
// time): run it with -cpuprofile to see what a capped worker spends.
func BenchmarkSendRunCapped(b *testing.B) {
	n := 5000
	if v := os.Getenv("LOA_BENCH_SEND"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	cfg := DefaultConfig()
	cfg.Backoff = fastCfg().Backoff
	v := newEnv(b, envOpts{cfg: cfg, rate: 1000, tg: []tgfake.Option{tgfake.WithoutRecording()}})
	v.subscribers(n)
	v.worker(v.e, 16)
	bid := v.broadcast(messages.Audience{})
	b.ResetTimer()
	for i := range b.N {
		run := v.startRunOf(bid, time.Unix(int64(i), 0))
		v.waitStatus(run, store.RunDone, time.Minute)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msg/s")
}
