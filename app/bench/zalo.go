package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/loa-vn/loa/bot/zalo"
	"github.com/loa-vn/loa/bot/zalofake"
	"github.com/loa-vn/loa/jobs"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// zaloRate is LOA_ZALO_SEND_RATE's default, which the Zalo rate row holds
// the engine to.
const zaloRate = 10

// zaloRate runs three Zalo-only workers at the default 10 msg/s against the
// fake Zalo Bot API answering 429 above 10 per sliding second, for
// RateSecs, and adds the row: the rate held and the 429s (none expected).
// A failure is a MISSED row, not an abort: the Telegram figures stand.
func (b *bencher) zaloRate(ctx context.Context) {
	got, tooMany, err := b.measureZaloRate(ctx)
	measure := fmt.Sprintf("Zalo rate at %d msg/s, 3 workers, %d s", zaloRate, b.o.RateSecs)
	target := fmt.Sprintf("%.1f-%.1f, zero 429", 0.98*zaloRate, float64(zaloRate))
	if err != nil {
		b.add(measure, "error: "+err.Error(), target, false)
		return
	}
	b.add(measure, fmt.Sprintf("%.2f msg/s, %d answers of 429", got, tooMany), target,
		got >= 0.98*zaloRate && got <= zaloRate && tooMany == 0)
}

func (b *bencher) measureZaloRate(ctx context.Context) (float64, int, error) {
	n := zaloRate*b.o.RateSecs + 200
	fake := zalofake.New(zalofake.WithRateLimit(zaloRate), zalofake.WithRecordLimit(1))
	defer fake.Close()
	if _, _, err := b.st.GenerateSubscribers(ctx, store.Generated{N: n, Prefix: "zr", Channel: zalo.Name}); err != nil {
		return 0, 0, err
	}
	run, err := b.newRun(ctx, messages.Audience{Channels: []string{zalo.Name}})
	if err != nil {
		return 0, 0, err
	}
	for i := range 3 {
		c, err := zalo.NewClient(fake.Token(), fake.URL())
		if err != nil {
			return 0, 0, err
		}
		e := jobs.NewEngine(b.st, b.rdb, jobs.AsynqRedisOpt(b.ropt), nil, slog.New(slog.NewTextHandler(io.Discard, nil)),
			jobs.Config{BatchSize: 500, ClaimSize: 5}).AddChannel(zalo.NewChannel(c), zaloRate)
		defer e.Close()
		srv, err := b.server(e, 4)
		if err != nil {
			return 0, 0, err
		}
		defer srv.Shutdown()
		defer e.Stop()
		if i == 0 {
			if err := e.EnqueuePlan(ctx, run); err != nil {
				return 0, 0, err
			}
		}
	}
	b.logf("measuring the Zalo rate for %d s", b.o.RateSecs)
	for fake.Count() == 0 {
		if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
			return 0, 0, err
		}
	}
	// count from the first accepted send: every send after it is in the window
	start := time.Now()
	first := fake.Count()
	if err := sleepCtx(ctx, time.Duration(b.o.RateSecs)*time.Second); err != nil {
		return 0, 0, err
	}
	sent := fake.Count() - first
	elapsed := time.Since(start).Seconds()
	if _, err := b.st.CancelRun(ctx, run, store.SystemActor); err != nil && !errors.Is(err, store.ErrConflict) {
		return 0, 0, err
	}
	if sent < 2 {
		return 0, 0, errors.New("no Zalo sends counted")
	}
	return float64(sent) / elapsed, fake.TooManyCount(), nil
}
