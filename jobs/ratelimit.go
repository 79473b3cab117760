package jobs

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keys shared by every worker on every machine, one pair per channel.
func keyRate(channel string) string  { return "loa:ch:" + channel + ":rate" }
func keyPause(channel string) string { return "loa:ch:" + channel + ":pause" }

// Limiter is one channel's send rate for the whole fleet, kept in Redis,
// plus the pause a 429 imposes on every sender of that channel (and only
// that channel).
//
// It is GCRA like redis_rate, but as a reservation of slots (one every
// interval, on Redis's clock): redis_rate's Allow/retry loop with Burst 1
// measured 29.0 msg/s at a configured 30 with three workers, every slot
// losing the wake-up and round trip of the waiter that won it. A worker
// leases its slots in blocks (block slots per Redis call, about leaseSpan
// of sending), consecutive on the fleet's timeline, and hands them to its
// senders locally: one Redis call per many sends, and still one rate for
// the fleet (issue 13: one reservation per message was 13% of a capped
// worker's CPU).
//
// A missed slot is gone: a slot nobody was ready for, or one a sender
// woke up for more than late after its time (a stall), is dropped, never
// sent in a bunch with the next ones. So no one-second window holds more
// than the rate.
type Limiter struct {
	rdb      *redis.Client
	keyRate  string
	keyPause string
	interval time.Duration
	late     time.Duration // how late a slot may still be used
	block    int           // slots leased per Redis call
	perSec   int
	metrics  *Metrics
	// now is the clock; nil = the slots are counted on Redis's clock (one
	// clock for every machine) and pauses on time.Now. Tests set a fake.
	now func() time.Time

	mu   sync.Mutex
	next time.Time // this process's next leased slot, on its clock
	left int       // slots left in the lease
	// offset maps Redis's clock to this process's: local = redis + offset,
	// from the reservation with the shortest round trip (refreshed every
	// offsetTTL). Placing a slot at "now + wait" after the reply instead
	// put each slot late by that reply's latency, which jitters by
	// milliseconds on a loaded machine: two slots of different workers
	// then reached a strict platform closer than 1/rate (429).
	offset   time.Duration
	bestRTT  time.Duration
	offsetAt time.Time

	// pauseUntil caches the channel's pause key (unix nanos) so senders
	// read Redis for it at most every pauseEvery, not per message.
	pauseUntil atomic.Int64
	pauseRead  atomic.Int64
}

const pauseEvery = 100 * time.Millisecond

// limitMargin spaces sends 1.5% wider than the configured rate: requests
// admitted exactly 1/rate apart reach Telegram with a few milliseconds of
// jitter, and a window that counts 31 sends in 999 ms answers 429.
const limitMargin = 1.015

// freeMargin widens the spacing at the free rates (≤ 100/s) in proportion
// to the interval, so that a platform allowing no burst (each send at
// least 1/rate after the last) does not see two sends closer than that:
// at 30/s, 27.8 sends a second (36 ms apart), a slot usable up to 1.3 ms
// late, 1.3 ms for jitter after the wake-up. The round-1 spacing (1.5% +
// 2 ms, all of the slack for a late wake-up) left none for the jitter
// after it: 10.7 msg/s and 35 answers of 429 against the strict fake.
//
// The jitter is milliseconds whatever the rate, so the slack stops at
// maxFreeSlack (what 8% is at 30/s): 8% at 10/s (Zalo) held 9.25 msg/s.
const freeMargin = 1.08

const maxFreeSlack = 8 * time.Millisecond / 3

// leaseSpan is how much sending one lease of slots covers: at 1000/s a
// block of 50 slots, one Redis call per 50 sends; at 30/s one slot.
const leaseSpan = 50 * time.Millisecond

// NewLimiter shares perSecond sends on channel across every process using
// rdb; perSecond <= 0 means no limit (benchmarks against the fake).
func NewLimiter(rdb *redis.Client, channel string, perSecond int, m *Metrics) *Limiter {
	l := &Limiter{rdb: rdb, keyRate: keyRate(channel), keyPause: keyPause(channel), perSec: perSecond, metrics: m}
	rate := max(perSecond, 1)
	// One slot per interval and no burst: never a cold-start burst of perSecond sends.
	exact := time.Second / time.Duration(rate)
	l.interval = time.Duration(float64(time.Second) * limitMargin / float64(rate))
	if rate <= 100 {
		// spacing 8% wider than 1/rate, of which half for a late
		// wake-up and the rest for the jitter between the wake-up and the
		// platform's clock (HTTP, scheduling): a send may arrive that much
		// earlier relative to the previous one and still be 1/rate after it
		l.interval = exact + min(time.Duration(float64(exact)*(freeMargin-1)), maxFreeSlack)
		l.late = (l.interval - exact) / 2
	} else {
		// a window of a second plus late still holds fewer than rate slots
		l.late = min(10*time.Millisecond, (time.Duration(rate)*l.interval-time.Second)*2/3)
	}
	l.interval = l.interval.Truncate(time.Microsecond) // Redis counts in microseconds
	l.block = max(1, int(leaseSpan/l.interval))
	return l
}

// Wait blocks until this process may send one message: after any global
// pause, and within the shared rate. Redis errors (a restart) are waited
// out rather than failing the batch.
func (l *Limiter) Wait(ctx context.Context) error {
	start := l.clock()
	waited := false
	defer func() {
		if waited {
			l.metrics.observeWait(l.clock().Sub(start))
		}
	}()
	for {
		if d := l.pauseLeft(ctx); d > 0 {
			waited = true
			if err := sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		if l.perSec <= 0 {
			return nil
		}
		slot, err := l.take(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			waited = true
			if err := sleep(ctx, 100*time.Millisecond); err != nil {
				return err
			}
			continue
		}
		if wait := slot.Sub(l.clock()); wait > 0 {
			waited = true
			if err := sleep(ctx, wait); err != nil {
				return err
			}
		}
		if l.clock().Sub(slot) > l.late {
			continue // woke up too late (a stall): that slot is gone
		}
		// A 429 during the wait: give the slot up and queue again after the pause.
		if l.pauseLeft(ctx) <= 0 {
			return nil
		}
	}
}

func (l *Limiter) clock() time.Time {
	if l.now != nil {
		return l.now()
	}
	return time.Now()
}

// take hands out this process's next slot, leasing a new block from Redis
// when the current one is used up; slots already more than late in the
// past are dropped first.
func (l *Limiter) take(ctx context.Context) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	if l.left > 0 {
		if behind := now.Sub(l.next); behind > l.late {
			gone := int((behind-l.late)/l.interval) + 1
			l.left -= min(gone, l.left)
			l.next = l.next.Add(time.Duration(gone) * l.interval)
		}
	}
	if l.left == 0 {
		// the other senders of this process wait for this one round trip
		before := l.clock()
		first, redisNow, err := l.reserve(ctx, l.block)
		if err != nil {
			return time.Time{}, err
		}
		after := l.clock()
		if rtt := after.Sub(before); l.offsetAt.IsZero() || rtt <= l.bestRTT || after.Sub(l.offsetAt) > offsetTTL {
			mid := before.Add(rtt / 2)
			l.offset, l.bestRTT, l.offsetAt = mid.Sub(time.UnixMicro(redisNow)), rtt, after
		}
		l.next, l.left = time.UnixMicro(first).Add(l.offset), l.block
	}
	slot := l.next
	l.next = l.next.Add(l.interval)
	l.left--
	return slot, nil
}

// offsetTTL: how long the best round trip's clock offset is trusted
// before a fresh reservation replaces it (clocks drift).
const offsetTTL = 10 * time.Second

// reserve leases the next n send slots of the fleet: it returns the first
// slot and Redis's now, both in microseconds on Redis's clock; the others
// follow one interval apart.
func (l *Limiter) reserve(ctx context.Context, n int) (first, now int64, err error) {
	args := []any{l.interval.Microseconds(), n}
	if l.now != nil {
		args = append(args, l.now().UnixMicro())
	}
	v, err := reserveSlots.Run(ctx, l.rdb, []string{l.keyRate}, args...).Int64Slice()
	if err != nil || len(v) != 2 {
		return 0, 0, fmt.Errorf("reserve slots: %v %w", v, err)
	}
	return v[0], v[1], nil
}

// reserveSlots hands out the next ARGV[2] send slots: the theoretical
// arrival time (TAT) in microseconds on Redis's clock (or ARGV[3], a
// test's clock), advanced by one interval (ARGV[1]) per slot. It returns
// the first slot and now; the others follow one interval apart. An idle
// channel's TAT is now: idle time earns no burst.
var reserveSlots = redis.NewScript(`
local now
if ARGV[3] then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + tonumber(ARGV[1]) * tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor((nxt - now) / 1000) + 1000)
return {tat, now}`)

// Pause stops every sender of the channel until now+d (a 429's
// retry_after, honoured in full: Telegram's documented rule, and the design's
// delivery guarantee 4). A shorter pause never cuts a longer one short.
func (l *Limiter) Pause(ctx context.Context, d time.Duration) error {
	until := l.clock().Add(d).UnixNano()
	for {
		cur := l.pauseUntil.Load()
		if cur >= until || l.pauseUntil.CompareAndSwap(cur, until) {
			break
		}
	}
	err := extendPause.Run(ctx, l.rdb, []string{l.keyPause}, until, d.Milliseconds()).Err()
	if err != nil && err != redis.Nil {
		return fmt.Errorf("channel pause: %w", err)
	}
	return nil
}

// extendPause sets the pause deadline only if it is later than the current one.
var extendPause = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`)

// Paused says whether the channel's senders are waiting out a 429 now.
func (l *Limiter) Paused(ctx context.Context) bool { return l.pauseLeft(ctx) > 0 }

// pauseLeft is how long the channel's pause still runs, from the local
// cache refreshed from Redis at most every pauseEvery.
func (l *Limiter) pauseLeft(ctx context.Context) time.Duration {
	now := l.clock()
	if now.UnixNano()-l.pauseRead.Load() > int64(pauseEvery) {
		l.pauseRead.Store(now.UnixNano())
		if v, err := l.rdb.Get(ctx, l.keyPause).Result(); err == nil {
			if until, err := strconv.ParseInt(v, 10, 64); err == nil && until > l.pauseUntil.Load() {
				l.pauseUntil.Store(until)
			}
		}
	}
	return time.Duration(l.pauseUntil.Load() - now.UnixNano())
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
