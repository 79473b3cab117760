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
	group    time.Duration // senders of slots in one such span wake up together
	block    int           // slots leased per Redis call
	perSec   int
	precise  bool // the end of each wait slept by the OS thread (free rates)
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
	// the best sample since offsetAt, the next offset after offsetTTL
	cand    time.Duration
	candRTT time.Duration
	candAt  time.Time

	// see Answered: slots still to give up, and the stall being counted
	stallAfter time.Duration
	skip       int // guarded by mu
	stallAt    time.Time
	stallN     int

	// exact (1/rate) and this process's sends in flight and last answer,
	// at a Spaced free rate (see spacedAfter)
	exact    time.Duration
	sendMu   sync.Mutex
	inFlight int
	answer   time.Time

	// pauseUntil caches the channel's pause key (unix nanos) so senders
	// read Redis for it at most every pauseEvery, not per message.
	pauseUntil atomic.Int64
	// rtt is the platform's round trip as this process sees it, an
	// exponentially weighted mean of the answers' times (see Answered)
	rtt       atomic.Int64
	pauseRead atomic.Int64
}

const pauseEvery = 100 * time.Millisecond

// limitMargin spaces sends 1.5% wider than the configured rate where the
// platform counts a sliding second: requests admitted exactly 1/rate apart
// reach it with a few milliseconds of jitter, and a window that counts
// 1001 sends in 999 ms answers 429. The 1.5% is 15 ms a second to share
// between a late wake-up (late), an early one (group) and the jitter after
// it.
const limitMargin = 1.015

// freeWindowMargin is limitMargin at the free rates (≤ 100/s) of a
// Windowed platform, where the precise wake-ups leave less jitter to
// cover: 1 ms of slack per slot at 10/s, 10 ms a second. With 1.5 ms (and
// the spaced rule's 2.7 ms before it) Zalo held 9.75 msg/s (9.72), short of
// 9.8: a single slot dropped after a stall is 0.5% of a 20 s run.
const freeWindowMargin = 1.01

// freeMargin widens the spacing at the free rates (≤ 100/s) in proportion
// to the interval, so that a platform allowing no burst (each send at
// least 1/rate after the last) does not see two sends closer than that:
// at 30/s, 27.8 sends a second (36 ms apart), a slot usable up to 1.3 ms
// late, 1.3 ms for jitter after the wake-up. The round-1 spacing (1.5% +
// 2 ms, all of the slack for a late wake-up) left none for the jitter
// after it: 10.7 msg/s and 35 answers of 429 against the strict fake.
//
// The jitter is milliseconds whatever the rate, so the slack stops at
// maxFreeSlack (what 8% is at 30/s).
const freeMargin = 1.08

const maxFreeSlack = 8 * time.Millisecond / 3

// leaseSpan is how much sending one lease of slots covers: at 1000/s a
// block of 50 slots, one Redis call per 50 sends; at 30/s one slot.
const leaseSpan = 50 * time.Millisecond

// Pacing is how a channel's platform counts its sends, which decides how
// closely the limiter may space them.
type Pacing int

const (
	// Spaced: the platform may refuse a send less than 1/rate after the
	// previous one (no burst at all, as the strict fake Bot API). Slots get
	// the slack of freeMargin, and a slot is usable only a little late.
	// Telegram's free rate is paced so: its limits are "30 messages per
	// second or so", undocumented in shape.
	Spaced Pacing = iota
	// Windowed: the platform counts sends over a sliding second (the fake
	// Zalo Bot API; Telegram's paid broadcasts, always). Slots are
	// limitMargin apart, a slot may be used up to a third of the margin
	// late, and at the paid rates senders wake up in groups.
	Windowed
)

// windowedChannel is a channel whose platform counts a sliding second
// (Zalo, bot/zalo); any other is Spaced at the free rates.
type windowedChannel interface{ SlidingWindow() bool }

func pacingOf(ch any) Pacing {
	if w, ok := ch.(windowedChannel); ok && w.SlidingWindow() {
		return Windowed
	}
	return Spaced
}

// NewLimiter shares perSecond sends on channel across every process using
// rdb; perSecond <= 0 means no limit (benchmarks against the fake). Free
// rates (≤ 100/s) are Spaced, paid ones Windowed (NewPacedLimiter chooses).
func NewLimiter(rdb *redis.Client, channel string, perSecond int, m *Metrics) *Limiter {
	return NewPacedLimiter(rdb, channel, perSecond, Spaced, m)
}

// NewPacedLimiter is NewLimiter for a platform that counts sends as p says
// (above 100/s every platform is taken as Windowed).
func NewPacedLimiter(rdb *redis.Client, channel string, perSecond int, p Pacing, m *Metrics) *Limiter {
	l := &Limiter{rdb: rdb, keyRate: keyRate(channel), keyPause: keyPause(channel), perSec: perSecond, metrics: m}
	rate := max(perSecond, 1)
	// One slot per interval and no burst: never a cold-start burst of perSecond sends.
	exact := time.Second / time.Duration(rate)
	l.precise = rate <= 100 // (a fake clock sleeps for no one: tests set l.now and never reach it)
	if rate <= 100 && p == Spaced {
		// spacing 8% wider than 1/rate, of which half for a late
		// wake-up and the rest for the jitter between the wake-up and the
		// platform's clock (HTTP, scheduling): a send may arrive that much
		// earlier relative to the previous one and still be 1/rate after it
		l.interval = exact + min(time.Duration(float64(exact)*(freeMargin-1)), maxFreeSlack)
		l.late = (l.interval - exact) / 2
	} else {
		// A second's window holds rate·interval - 1 s of slack (15 ms,
		// 10 at the free rates), for a late wake-up (late), an early one
		// (group) and the jitter after it, so a window of a second still
		// holds fewer than rate sends. At the free rates a third is for
		// late. At the paid ones half is for group and a fifth for late:
		// senders waking 7.5 ms of slots at once cut the capped worker's
		// CPU from 214 to 140 µs/msg and Redis's from 27 to 18 (one journal
		// write for the group) against 3 ms of group and 5 of late; a
		// third for group (5 ms) measured 213-226 µs/msg against 177.
		// That leaves 3.5 ms, not 6, for the jitter between a slot and the
		// platform's clock (review, session 6): the busiest second stayed
		// at 997-1000 on the fake, and a 429 still pauses every sender.
		margin := limitMargin
		if l.precise {
			margin = freeWindowMargin
		}
		l.interval = time.Duration(float64(time.Second) * margin / float64(rate))
		budget := time.Duration(rate)*l.interval - time.Second
		if l.precise {
			// (at 10/s, giving up a slot per answer slower than the 10 ms
			// margin cost Zalo more than the 429s it saved: 8.82 msg/s
			// and no 429 against 9.42 and one, at load 7-8: no stallAfter)
			l.late = budget / 3
		} else {
			l.late, l.group, l.stallAfter = budget/5, budget/2, budget
		}
	}
	l.interval = l.interval.Truncate(time.Microsecond) // Redis counts in microseconds
	l.block = max(1, int(leaseSpan/l.interval))
	if l.precise && p == Spaced {
		// consecutive slots in one process, so that most sends follow one
		// of the same process and can keep clear of it (see spacedAfter)
		l.exact, l.block = exact, spacedBlock
	}
	return l
}

// spacedBlock is how many consecutive slots a process leases at once at a
// Spaced free rate: two of three gaps between sends are then inside one
// process, where a send that was slow to be answered is seen by the next.
const spacedBlock = 3

// Wait blocks until this process may send one message: after any global
// pause, and within the shared rate. Redis errors (a restart) are waited
// out rather than failing the batch.
func (l *Limiter) Wait(ctx context.Context) error { return l.WaitNoting(ctx, nil) }

// WaitNoting is Wait, telling due (if not nil) when the sender will wake
// up for its slot, before it sleeps: the senders of a claim whose slots
// fall in one group wake up at the same moment, and the first of them can
// journal the rows of all of them in one write (claimRun.take).
func (l *Limiter) WaitNoting(ctx context.Context, due func(wake time.Time)) error {
	start := l.clock()
	waited := false
	defer func() {
		if waited {
			l.metrics.observeWait(l.clock().Sub(start))
		}
	}()
	noted := false
	for {
		if noted {
			due(time.Time{}) // the slot noted was given up: its sender is not due
			noted = false
		}
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
		slot, followed, err := l.takeSlot(ctx)
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
		if due != nil {
			due(l.wakeFor(slot))
			noted = true
		}
		if wait := slot.Sub(l.clock()); wait > 0 {
			waited = true
			if err := l.sleepUntil(ctx, slot, wait); err != nil {
				return err
			}
		}
		late := l.late
		if followed && l.exact > 0 {
			// the next slot is this process's, and its sender keeps clear
			// of this send whenever it goes (spacedAfter)
			late = l.interval / 3
		}
		if l.clock().Sub(slot) > late {
			continue // woke up too late (a stall): that slot is gone
		}
		if !l.spacedAfter(slot) {
			continue // too close behind this process's last send: gone too
		}
		// A 429 during the wait: give the slot up and queue again after
		// the pause. The pause is read from the cache the other senders
		// keep fresh at the top of their Wait, not from Redis: a round
		// trip here, between the slot and the send, put two sends closer
		// than 1/rate at a strict platform.
		if l.pauseLeftWithin(ctx, pauseStale) <= 0 {
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
	slot, _, err := l.takeSlot(ctx)
	return slot, err
}

// takeSlot is take, and says whether the slot after it is this process's
// too (followed: not the last of its lease).
func (l *Limiter) takeSlot(ctx context.Context) (time.Time, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	if l.left > 0 {
		if behind := now.Sub(l.next); behind > l.late {
			l.drop(int((behind-l.late)/l.interval) + 1)
		}
	}
	for l.skip > 0 && l.left > 0 { // slots given up after a stall (Answered)
		n := min(l.skip, l.left)
		l.drop(n)
		l.skip -= n
		if l.left == 0 && l.skip > 0 {
			if err := l.lease(ctx); err != nil {
				return time.Time{}, false, err
			}
		}
	}
	if l.left == 0 {
		if err := l.lease(ctx); err != nil {
			return time.Time{}, false, err
		}
	}
	slot := l.next
	l.next = l.next.Add(l.interval)
	l.left--
	return slot, l.left > 0, nil
}

// spacedAfter keeps a send at a Spaced free rate at least 1/rate behind
// the latest moment this process's previous send can have reached the
// platform (its answer): measured against the strict fake at load 6, the
// sends refused were those 1/rate behind a send that itself took 3-7 ms to
// arrive (slot to arrival p50 0.5 ms, p99 2.6 ms, max 6.8 ms). It waits for
// that if the slot stays within late, and otherwise gives the slot up
// (false), as it does while the previous send is still unanswered.
func (l *Limiter) spacedAfter(slot time.Time) bool {
	if l.exact <= 0 {
		return true
	}
	l.sendMu.Lock()
	busy, answer := l.inFlight > 0, l.answer
	l.sendMu.Unlock()
	if busy {
		return false
	}
	earliest := answer.Add(l.exact)
	now := l.clock()
	if !earliest.After(now) {
		return true
	}
	if earliest.Sub(slot) > l.late {
		return false
	}
	preciseSleep(earliest.Sub(now))
	return true
}

// Sending notes a send handed to the platform now; pass what it returns
// to Answered when the answer comes.
func (l *Limiter) Sending() time.Time {
	if l.exact > 0 {
		l.sendMu.Lock()
		l.inFlight++
		l.sendMu.Unlock()
	}
	return time.Now()
}

// Answered tells the limiter that a send started at start (Sending) was
// answered now (spacedAfter's answer). Where the platform counts a sliding
// second (Windowed), a send answered after more than stallAfter (the
// second's margin) may have reached it that late, together with every send
// queued behind it: measured at the paid cap, a 200 ms stall of the fake
// Bot API's process had it count 110 sends in 17 ms, and the second after
// that held 1001 (429, and every sender paused for a second). So this
// process gives up as many of its next slots as the stall, less the
// margin, held: the second after the bunch then holds no more than rate.
// The sends of one bunch (in flight when its first answer came) count once. At 10/s a
// slot 1 s ahead is already leased, so slots are counted, not timed.
func (l *Limiter) Answered(ctx context.Context, start time.Time) {
	took := time.Since(start)
	// (concurrent answers may each overwrite the other's update: a mean
	// that misses a sample now and then is still the round trip)
	if old := l.rtt.Load(); old == 0 {
		l.rtt.Store(int64(took))
	} else {
		l.rtt.Store(old + (int64(took)-old)/8)
	}
	if l.exact > 0 {
		l.sendMu.Lock()
		l.inFlight--
		l.answer = l.clock()
		l.sendMu.Unlock()
	}
	if l.stallAfter <= 0 || took <= l.stallAfter || l.perSec <= 0 {
		return
	}
	n := int((took-l.stallAfter)/l.interval) + 1
	l.mu.Lock()
	defer l.mu.Unlock()
	if !start.Before(l.stallAt) {
		l.stallN = 0 // a new stall: this send was not in flight in the last
	}
	if n > l.stallN {
		l.skip += n - l.stallN
		l.stallN = n
	}
	l.stallAt = time.Now()
}

// lease reserves this process's next block of slots; l.mu is held (the
// other senders of this process wait for this one round trip).
func (l *Limiter) lease(ctx context.Context) error {
	before := l.clock()
	first, redisNow, err := l.reserve(ctx, l.block)
	if err != nil {
		return err
	}
	l.noteOffset(before, l.clock(), redisNow)
	l.next, l.left = time.UnixMicro(first).Add(l.offset), l.block
	return nil
}

// drop gives up the next n leased slots; l.mu is held.
func (l *Limiter) drop(n int) {
	l.left -= min(n, l.left)
	l.next = l.next.Add(time.Duration(n) * l.interval)
}

// offsetTTL: how long the best round trip's clock offset is trusted
// before the best one of the reservations since replaces it (clocks drift).
const offsetTTL = 10 * time.Second

// noteOffset takes the clock offset from a reservation sent at before and
// answered at after: the shortest round trip's gives the offset (its error
// is at most half of it). Every offsetTTL the best sample of the last
// period replaces it, never just the latest: a 6 ms round trip on a loaded
// machine moved every later slot of this worker by up to 3 ms against the
// other workers' (429 from a platform allowing no burst). l.mu is held.
func (l *Limiter) noteOffset(before, after time.Time, redisNow int64) {
	rtt := after.Sub(before)
	off := before.Add(rtt / 2).Sub(time.UnixMicro(redisNow))
	if l.candAt.IsZero() || rtt <= l.candRTT {
		l.cand, l.candRTT, l.candAt = off, rtt, after
	}
	switch {
	case l.offsetAt.IsZero() || rtt <= l.bestRTT:
		l.offset, l.bestRTT, l.offsetAt = off, rtt, after
	case after.Sub(l.offsetAt) > offsetTTL:
		l.offset, l.bestRTT, l.offsetAt = l.cand, l.candRTT, after
	default:
		return
	}
	l.candAt = time.Time{} // a new period of samples
}

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

// roundTripSends is how many sends twice the platform's round trip (rtt)
// holds at the rate: what must be in flight to keep up with it.
func (l *Limiter) roundTripSends() int {
	return int(int64(l.perSec) * 2 * l.rtt.Load() / int64(time.Second))
}

// pausedNow says from the cache alone (no Redis call) whether a 429
// pause is running.
func (l *Limiter) pausedNow() bool { return l.pauseUntil.Load() > l.clock().UnixNano() }

// Paused says whether the channel's senders are waiting out a 429 now.
func (l *Limiter) Paused(ctx context.Context) bool { return l.pauseLeft(ctx) > 0 }

// pauseLeft is how long the channel's pause still runs, from the local
// cache refreshed from Redis at most every pauseEvery.
func (l *Limiter) pauseLeft(ctx context.Context) time.Duration {
	return l.pauseLeftWithin(ctx, pauseEvery)
}

// pauseStale is how old the pause cache may be when a sender checks it
// after its slot's wait: senders entering Wait refresh it every
// pauseEvery, so only a sender alone on a slow channel reads Redis there.
const pauseStale = 250 * time.Millisecond

// pauseLeftWithin is pauseLeft with a cache at most maxAge old.
func (l *Limiter) pauseLeftWithin(ctx context.Context, maxAge time.Duration) time.Duration {
	now := l.clock()
	if now.UnixNano()-l.pauseRead.Load() > int64(maxAge) {
		l.pauseRead.Store(now.UnixNano())
		if v, err := l.rdb.Get(ctx, l.keyPause).Result(); err == nil {
			if until, err := strconv.ParseInt(v, 10, 64); err == nil && until > l.pauseUntil.Load() {
				l.pauseUntil.Store(until)
			}
		}
	}
	return time.Duration(l.pauseUntil.Load() - now.UnixNano())
}

// sleepUntil waits wait, until slot. At the free rates (l.precise) the
// last preciseAhead of it is slept by the OS thread (preciseSleep): a Go
// timer wakes up on the netpoller's millisecond ticks, so up to 1 ms late
// (measured at 30/s on the strict fake: median 0.6 ms, 3.7% of slots past
// the 1.3 ms they may be late and dropped), and half of the slack between
// two sends went to that alone.
//
// At the paid rates the senders whose slots fall in the same span of group
// on the clock wake up together at its start, a little early: one wake-up
// of the process for several sends instead of one each (issue 13: 18% of a
// capped worker's CPU went to waking goroutines once per message).
func (l *Limiter) sleepUntil(ctx context.Context, slot time.Time, wait time.Duration) error {
	if !l.precise {
		if l.group > 0 {
			wait = l.wakeFor(slot).Sub(l.clock())
		}
		return sleep(ctx, wait)
	}
	if wait > preciseAhead {
		if err := sleep(ctx, wait-preciseAhead); err != nil {
			return err
		}
	}
	if rest := slot.Sub(l.clock()); rest > 0 {
		preciseSleep(rest)
	}
	return ctx.Err()
}

// wakeFor is when a sender wakes up for slot: at the paid rates the start
// of its group's span, at the free rates the slot itself.
func (l *Limiter) wakeFor(slot time.Time) time.Time {
	if !l.precise && l.group > 0 {
		return slot.Truncate(l.group)
	}
	return slot
}

// preciseAhead covers a Go timer's lateness and earliness (a millisecond
// tick) with room to spare.
const preciseAhead = 2 * time.Millisecond

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

// PaidSpacing is how a limiter of perSecond sends (Windowed) spaces its
// slots and how wide the span of slots whose senders wake up together
// is: what `loa bench broadcast` gives the bare client of its floor row,
// so that the floor is paced exactly as the engine is.
func PaidSpacing(perSecond int) (interval, group time.Duration) {
	l := NewPacedLimiter(nil, "", perSecond, Windowed, nil)
	return l.interval, l.group
}
