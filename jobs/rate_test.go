package jobs

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/loa-vn/loa/jobs/redistest"
)

// fakeClock is a settable clock for limiters.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func fakeLimiter(rdb *redis.Client, channel string, rate int, clk *fakeClock) *Limiter {
	l := NewLimiter(rdb, channel, rate, nil)
	l.now = clk.now
	return l
}

// Three workers (three limiters, each with its own Redis connection) share
// one channel's limit: the slots they are handed are one interval apart
// whoever asks, so no second ever holds more than the configured rate.
// The arithmetic is checked on a fake clock: no timing, no flakiness (the
// measured rate against a fake Bot API is `loa bench broadcast`'s job).
func TestThreeWorkersShareOneChannelsSlots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ropt := redistest.New(t)
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	const rate = 30
	var workers []*Limiter
	for range 3 {
		rdb := redis.NewClient(ropt)
		t.Cleanup(func() { rdb.Close() })
		workers = append(workers, fakeLimiter(rdb, "telegram", rate, clk))
	}
	interval := workers[0].interval
	if interval*rate <= time.Second || interval*rate > time.Second*108/100 {
		t.Fatalf("interval %v: %d slots span %v, want just over a second", interval, rate, interval*rate)
	}
	// 150 reservations, interleaved, with the clock standing still: slot k
	// comes k intervals from now.
	var slots []time.Duration
	for k := range 150 {
		w, err := workers[k%3].reserveWait(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Duration(k) * interval; absDur(w-want) > time.Microsecond {
			t.Fatalf("reservation %d waits %v, want %v", k, w, want)
		}
		slots = append(slots, w)
	}
	for k := 0; k+rate < len(slots); k++ {
		if slots[k+rate]-slots[k] <= time.Second {
			t.Fatalf("slots %d and %d are %v apart: %d sends within a second", k, k+rate, slots[k+rate]-slots[k], rate+1)
		}
	}
	// Time passes beyond the last slot: the next sender goes at once, and
	// the one after waits a full interval (an idle channel earns no burst).
	clk.add(time.Minute)
	if w, _ := workers[1].reserveWait(ctx, 1); w != 0 {
		t.Errorf("after idling, first slot waits %v", w)
	}
	if w, _ := workers[2].reserveWait(ctx, 1); absDur(w-interval) > time.Microsecond {
		t.Errorf("after idling, second slot waits %v, want %v", w, interval)
	}
}

// A 429 on one channel pauses that channel's senders on every worker, and
// no other channel's; channels do not share slots either.
func TestPauseAndSlotsArePerChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ropt := redistest.New(t)
	rdb := redis.NewClient(ropt)
	t.Cleanup(func() { rdb.Close() })
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	tgA, tgB := fakeLimiter(rdb, "telegram", 30, clk), fakeLimiter(rdb, "telegram", 30, clk)
	other := fakeLimiter(rdb, "testchan", 30, clk)
	if err := tgA.Pause(ctx, 35*time.Second); err != nil {
		t.Fatal(err)
	}
	if !tgA.Paused(ctx) || !tgB.Paused(ctx) {
		t.Error("telegram's pause did not reach every telegram sender")
	}
	if other.Paused(ctx) {
		t.Error("a 429 on telegram paused testchan")
	}
	if d := tgB.pauseLeft(ctx); d != 35*time.Second {
		t.Errorf("pause left %v, want 35s", d)
	}
	for range 5 {
		tgA.reserveWait(ctx, 1)
	}
	if w, _ := other.reserveWait(ctx, 1); w != 0 {
		t.Errorf("testchan's first slot waits %v behind telegram's", w)
	}
	clk.add(36 * time.Second)
	tgB.pauseRead.Store(0)
	if tgB.Paused(ctx) {
		t.Error("pause outlived its retry_after")
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// reserveWait is reserve as a wait from now (Redis's clock) for the first slot.
func (l *Limiter) reserveWait(ctx context.Context, n int) (time.Duration, error) {
	first, now, err := l.reserve(ctx, n)
	return time.Duration(first-now) * time.Microsecond, err
}

// Where the platform counts a sliding second (Zalo), slots are 1% apart
// wider than 1/rate, not the 2.7 ms a platform allowing no burst needs.
func TestWindowedPacingAtTheFreeRates(t *testing.T) {
	t.Parallel()
	spaced := NewLimiter(nil, "telegram", 10, nil)
	windowed := NewPacedLimiter(nil, "zalo", 10, Windowed, nil)
	if got, want := windowed.interval, 101*time.Millisecond; got != want {
		t.Errorf("windowed interval %v, want %v", got, want)
	}
	if windowed.interval >= spaced.interval {
		t.Errorf("windowed %v not tighter than spaced %v", windowed.interval, spaced.interval)
	}
	// slack left in a second for jitter: a late wake-up may use a third of it
	if slack := 10*windowed.interval - time.Second; windowed.late <= 0 || windowed.late >= slack {
		t.Errorf("late %v for %v of slack a second", windowed.late, slack)
	}
	if pacingOf(zaloLike{}) != Windowed || pacingOf(struct{}{}) != Spaced {
		t.Error("pacingOf ignores SlidingWindow")
	}
}

type zaloLike struct{}

func (zaloLike) SlidingWindow() bool { return true }

// A send answered after a stall may have reached the platform bunched with
// the sends queued behind it: this worker gives up as many of its next
// slots as the stall held, once per bunch (fake clock).
func TestSlotsBehindAStallAreGivenUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ropt := redistest.New(t)
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	rdb := redis.NewClient(ropt)
	t.Cleanup(func() { rdb.Close() })
	l := NewPacedLimiter(rdb, "telegram", 1000, Windowed, nil)
	l.now = clk.now
	prev, err := l.take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := func() time.Duration { // slots skipped before the next one
		t.Helper()
		s, err := l.take(ctx)
		if err != nil {
			t.Fatal(err)
		}
		gap := s.Sub(prev)/l.interval - 1
		prev = s
		return gap
	}
	l.Answered(ctx, time.Now().Add(-l.stallAfter/2)) // an ordinary answer
	if g := next(); g != 0 {
		t.Fatalf("%d slots given up after a quick answer", g)
	}
	const stall = 200 * time.Millisecond
	for range 5 { // one bunch, five answers
		l.Answered(ctx, time.Now().Add(-stall))
	}
	want := time.Duration((stall-l.stallAfter)/l.interval) + 1
	if g := next(); g < want || g > want+1 {
		t.Errorf("%d slots given up after a %v stall, want %d", g, stall, want)
	}
	if g := next(); g != 0 {
		t.Errorf("%d more slots given up after the stall's", g)
	}
}

// At a Spaced free rate a send keeps 1/rate clear of this process's
// previous send's answer: it waits for that within late, and otherwise its
// slot is gone, as it is while the previous send is unanswered (fake clock).
func TestSpacedSendKeepsClearOfThePreviousOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l := NewLimiter(nil, "telegram", 30, nil)
	l.now = clk.now
	start := l.Sending()
	if l.spacedAfter(clk.now().Add(l.interval)) {
		t.Error("a slot went while the previous send was unanswered")
	}
	l.Answered(ctx, start)
	answer := clk.now()
	clk.add(l.interval)
	if !l.spacedAfter(clk.now()) {
		t.Error("an on-time slot was given up")
	}
	clk.t = answer.Add(l.exact - l.late/2) // a little too close: waits, then goes
	if !l.spacedAfter(clk.now()) {
		t.Error("a slot within late of clearing the previous send was given up")
	}
	clk.t = answer.Add(l.exact - 2*l.late) // too close to wait for
	if l.spacedAfter(clk.now()) {
		t.Error("a slot 2×late too close to the previous send went")
	}
}
