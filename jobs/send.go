package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/bot/channel"
	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// errShutdown sends a batch back to Asynq for a quick retry when the worker stops.
var errShutdown = errors.New("worker shutting down")

// HandleSendBatchTask sends one batch: claim a few rows, send them through
// the batch's channel at its shared rate, record the outcomes in bulk,
// repeat until the batch has no pending rows; then finish the run if it
// was the last.
//
// A batch whose channel this worker has no sender for is not touched: its
// rows stay pending, the task fails with a clear error and Asynq retries
// it (the sweeper enqueues it again after that), so a worker that has the
// channel sends it. Nothing is lost or marked failed because one worker
// was deployed without a channel; the run's report shows the rows pending
// under their channel until then, or until staff cancel the run.
func (e *Engine) HandleSendBatchTask(ctx context.Context, t *asynq.Task) error {
	p, err := decode[SendPayload](t)
	if err != nil {
		return err
	}
	if p.Channel == "" {
		return fmt.Errorf("send: run %d batch %d names no channel (enqueued before channels): %w", p.RunID, p.Batch, asynq.SkipRetry)
	}
	ln, ok := e.lanes[p.Channel]
	if !ok {
		e.Log.Warn("no sender for the batch's channel in this worker", "run_id", p.RunID, "batch", p.Batch, "channel", p.Channel)
		return fmt.Errorf("send: run %d batch %d: %w %q", p.RunID, p.Batch, errNoChannel, p.Channel)
	}
	b, err := e.newBatch(ctx, p.RunID, p.Batch, ln)
	if err != nil || b == nil {
		return err
	}
	return b.run(ctx)
}

// errNoChannel: this worker cannot send on a batch's channel.
var errNoChannel = errors.New("this worker has no sender for channel")

// batch is one send task's working state.
type batch struct {
	e       *Engine
	lane    *lane
	runID   int64
	num     int
	content messages.Content
	parts   map[string]rendered
	log     *slog.Logger
	mu      sync.Mutex // guards parts: a claim's senders share them
}

type rendered struct {
	parts  []messages.Part
	locale string
	err    error
}

// newBatch loads the run; nil without error means there is nothing to do.
func (e *Engine) newBatch(ctx context.Context, runID int64, num int, ln *lane) (*batch, error) {
	r, err := e.Store.RunByID(ctx, runID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("send: %w: %w", err, asynq.SkipRetry)
	}
	if err != nil {
		return nil, err
	}
	if r.Status != store.RunSending {
		return nil, nil
	}
	e.noteStatus(runID, r.Status)
	b := &batch{e: e, lane: ln, runID: runID, num: num, parts: map[string]rendered{},
		log: e.Log.With("run_id", runID, "batch", num, "channel", ln.ch.Name())}
	if err := json.Unmarshal(r.Content, &b.content); err != nil {
		return nil, fmt.Errorf("run %d content: %v: %w", runID, err, asynq.SkipRetry)
	}
	return b, nil
}

func (b *batch) run(ctx context.Context) error {
	for {
		if h := b.halt(ctx); h != "" {
			return haltErr(h)
		}
		k, err := b.claim(ctx)
		if err != nil {
			return err
		}
		if k.ID == 0 {
			break
		}
		if err := b.sendClaim(ctx, k); err != nil {
			return err
		}
	}
	if b.e.lastBatch(ctx, b.runID) {
		b.e.finish(ctx, b.runID)
	}
	return nil
}

// claim claims the next rows of the batch under a journal opened first
// (see journal.go); an empty claim's journal is deleted.
func (b *batch) claim(ctx context.Context) (journaled, error) {
	j, err := b.e.openJournal(ctx)
	if err != nil {
		return journaled{}, err
	}
	k, err := b.e.Store.ClaimDeliveries(ctx, b.runID, b.num, b.e.Cfg.ClaimSize, b.e.leaseUntil(), j)
	if err == nil && k.ID == 0 {
		// (after an error the claim may have been made all the same: its
		// journal stays for the sweeper, or expires)
		b.e.closeJournal(ctx, j)
	}
	return journaled{Claim: k, j: j}, err
}

// journaled is a claim with its journal.
type journaled struct {
	store.Claim
	j store.Journal
}

// sendClaim sends a claim's rows with Cfg.Senders senders at once (the
// uncapped profile: one send in flight per task left the worker waiting on
// the fake, 35% of a core busy at 5,200 msg/s). Rows are handed out in
// order; before a row is sent it is in the claim's journal, so that if
// this worker dies only rows being sent become unknown and the others go
// back to pending. Outcomes are recorded in bulk every RecordSize rows or
// RecordEvery by whichever sender completes that many, and the claim is
// released with the last of them.
// After a halt or a transient failure the rows not yet handed out are
// given back (pending) or, on cancel, skipped.
func (b *batch) sendClaim(ctx context.Context, k journaled) error {
	e := b.e
	e.hold(k.ID)
	defer e.release(k.ID)
	c := &claimRun{b: b, k: k, ready: make([]store.Result, 0, min(len(k.Rows), e.Cfg.RecordSize)), since: time.Now()}
	c.cond, c.slotFree = sync.NewCond(&c.mu), sync.NewCond(&c.mu)
	if pass, h := b.takeTurn(ctx); h != "" {
		c.halted = h // nothing was sent: every row goes back (or is skipped)
	} else {
		defer pass()
		c.pass = pass
		c.sendAll(ctx)
	}
	if c.lost {
		b.log.Warn("claim lease lost: stopping", "claim", k.ID)
		// The rows not handed out were never sent: given back, they change
		// only if still this claim's (the journal was lost, the claim not
		// expired) or called unknown for a lost journal; the sweeper put
		// the others back to pending already. The fenced journal stays
		// until it expires, should the sweeper fence it again.
		// After a failed record some rows are neither recorded nor here:
		// the claim stays for the sweeper to take them back.
		release := c.recErr == nil
		if err := b.record(ctx, k.ID, append(c.ready, giveBack(k.Rows[c.next:], "")...), release); err != nil {
			return err
		}
		return store.ErrLeaseLost
	}
	if c.recErr != nil {
		return c.recErr
	}
	out := append(c.ready, giveBack(k.Rows[c.next:], c.halted)...)
	if c.halted == "stop" && c.sendErr == nil {
		c.sendErr = errShutdown
	}
	if err := b.record(ctx, k.ID, out, true); err != nil {
		return err
	}
	e.closeJournal(ctx, k.j)
	e.beat(ctx, b.runID)
	return c.sendErr
}

// sendAll runs the claim's senders until every row is handed out.
func (c *claimRun) sendAll(ctx context.Context) {
	senders := min(c.b.senders(), len(c.k.Rows))
	var wg sync.WaitGroup
	c.wake = make([]time.Time, senders)
	for id := 1; id < senders; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.send(ctx, id)
		}()
	}
	c.send(ctx, 0)
	wg.Wait()
}

// takeTurn waits until this claim may send on its lane (at the paid rates
// one claim of the process sends at a time: see newLane) and returns how to
// pass the turn on; or, if the batch must halt meanwhile, why ("stop" or
// the run's new status), so pause and cancel still land within StatePoll.
// The turn passes on when the claim's first sender runs out of rows: the
// next claim's senders start while the last rows are in flight, so no slot
// is missed between two claims (its rows were claimed while it waited).
func (b *batch) takeTurn(ctx context.Context) (pass func(), halt string) {
	t := b.lane.turn
	if t == nil {
		return func() {}, ""
	}
	poll := time.NewTicker(b.e.Cfg.StatePoll)
	defer poll.Stop()
	for {
		select {
		case t <- struct{}{}:
			var once sync.Once
			return func() { once.Do(func() { <-t }) }, ""
		case <-ctx.Done():
			return nil, "stop"
		case <-b.e.stopping:
			return nil, "stop"
		case <-poll.C:
			if h := b.halt(ctx); h != "" {
				return nil, h
			}
		}
	}
}

// senders is how many rows of a claim are in flight at once: Cfg.Senders;
// one at the free rates (<= 100/s), where the limiter spaces every send
// anyway and a strict platform wants them in order; and at the paid rates,
// where claims take turns, enough for a round trip of turnRTT.
func (b *batch) senders() int {
	r := b.lane.lim.perSec
	if r > 0 && r <= 100 {
		return 1
	}
	if b.lane.turn != nil {
		// one claim of the worker sends at a time: it alone must keep a
		// platform round trip's worth of sends in flight (review, session
		// 6: with Senders, 8, a 50 ms platform got 126 msg/s of 1000)
		return max(1, b.e.Cfg.Senders, int(int64(r)*int64(turnRTT)/int64(time.Second)))
	}
	return max(1, b.e.Cfg.Senders)
}

// turnRTT is the platform round trip the claim holding a lane's turn keeps
// enough senders for (at 1000/s, 125 in flight): as many as 16 claims of 8
// had before they took turns.
const turnRTT = 125 * time.Millisecond

// claimRun is one claim being sent by several senders: who takes which row,
// how far the journal goes, and the outcomes not yet recorded.
type claimRun struct {
	b *batch
	k journaled

	mu         sync.Mutex
	cond       *sync.Cond // on mu: a journal write ended
	slotFree   *sync.Cond // on mu: a sender may go for a slot (prepare)
	next       int        // the next row to hand out
	waiting    int        // senders holding or awaiting a slot for a row not yet taken
	sending    int        // senders with a row taken and not yet done
	journaled  int        // rows [0, journaled) are in the journal
	journaling bool       // a sender is writing the journal (the others wait for it)
	halted     string     // why no more rows are handed out ("" = keep going)
	stopped    bool
	sendErr    error  // a transient failure: the task is retried
	recErr     error  // a record that failed for good
	lost       bool   // the lease is gone
	pass       func() // passes the lane's turn on (takeTurn)
	// wake[id]: when sender id wakes up for the rate slot it holds, zero
	// once it took its row (or holds no slot); see take
	wake  []time.Time
	ready []store.Result
	since time.Time
}

// send is one sender's loop: take a row, send it, note the outcome.
func (c *claimRun) send(ctx context.Context, id int) {
	defer c.pass() // this claim has no row left for a sender, or stops
	lim := c.b.lane.lim
	for {
		// With a rate, the slot comes first and the row after: a row is
		// taken (and journaled) only when it can go out at once, so after a
		// crash no row is unknown for having waited on the limiter.
		held := false
		if lim.perSec > 0 {
			// The status poll comes before the slot, not between the slot
			// and the send: a PostgreSQL round trip there put sends of
			// different workers closer than 1/rate (429 from a strict
			// platform). The journal write (take) is there, since the row
			// must be journaled only once it goes out at once; the strict
			// and capped rows of loa bench broadcast did not move with
			// that Redis round trip (interleaved runs, session 5).
			if !c.prepare(ctx) {
				return
			}
			if lim.WaitNoting(ctx, func(w time.Time) { c.noteWake(id, w) }) != nil {
				c.noteWake(id, time.Time{})
				c.unwait()
				return
			}
			held = true
		}
		i, ok := c.take(ctx, id, held)
		if !ok {
			return
		}
		r, err := c.b.deliverHeld(ctx, c.k.Rows[i], held)
		c.done(ctx, r, err)
	}
}

// prepare refreshes the run status; false if no row is left to send. It
// counts the sender as waiting for a slot, and none waits for a row another
// waiting sender will take: at the end of each claim the claim's other senders
// took a slot each and found no row, 1.3% of the slots at the paid cap (261
// of 20,261), the whole gap between 985 msg/s of slots and 973 sent.
//
// However many senders a turn's claim has (senders), at most Cfg.Senders
// wait for a slot at once, and no more are busy (waiting or sending) than
// the platform's round trip needs (Limiter.roundTripSends), Cfg.Senders at
// least; the others wait here. With all 125 of them at work against the
// fake (answers in a millisecond), the capped row saw 1-6 answers of 429
// per run where 8 senders had none: a stall of the fake let the sends in
// flight reach it in a bunch.
func (c *claimRun) prepare(ctx context.Context) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.stopped || c.next+c.waiting >= len(c.k.Rows) {
			return false
		}
		most := max(1, c.b.e.Cfg.Senders)
		if c.waiting < most && c.waiting+c.sending < max(most, c.b.lane.lim.roundTripSends()) {
			break
		}
		c.slotFree.Wait()
	}
	c.waiting++
	c.b.halt(ctx)
	return true
}

// unwait forgets a sender that prepared but got no slot.
func (c *claimRun) unwait() {
	c.mu.Lock()
	c.waiting--
	c.freeSlotLocked()
	c.mu.Unlock()
}

// freeSlotLocked lets a sender waiting in prepare go for a slot, or all of
// them see that the claim stopped or has no row left for them. c.mu is
// held.
func (c *claimRun) freeSlotLocked() {
	if c.stopped || c.next+c.waiting >= len(c.k.Rows) {
		c.slotFree.Broadcast()
	} else {
		c.slotFree.Signal()
	}
}

// noteWake notes when sender id wakes up for its slot (zero: it holds none).
func (c *claimRun) noteWake(id int, w time.Time) {
	c.mu.Lock()
	c.wake[id] = w
	c.mu.Unlock()
}

// dueLocked counts the senders that hold a slot due now and have not yet
// taken their row: they woke up with this one (one group of the limiter)
// and take the next rows within microseconds. None while a 429 pause runs:
// its senders give their slots up, and rows journaled for them would wait
// out the pause journaled, unknown after a crash though never sent
// (review, session 6; journaling the slots due within 10 ms as well, as
// 65d76fa did, had that window open for every sender). c.mu is held.
func (c *claimRun) dueLocked() int {
	if c.b.lane.lim.pausedNow() {
		return 0
	}
	now, n := time.Now(), 0
	for _, w := range c.wake {
		if !w.IsZero() && !w.After(now) {
			n++
		}
	}
	return n
}

// journalLocked journals every row handed out so far and the rows of the
// senders due now (dueLocked), in one write while c.mu is released
// (senders handed a row meanwhile wait for the next write, which covers
// them all). Measured at the paid cap, journaling only the rows handed out
// wrote 0.78 journals per message, each a Redis round trip: the senders
// that woke up together reach take one after the other. The rows journaled
// ahead are at most the claim's other senders, each about to send; after a
// crash they count as in flight. If the write fails, the rows handed out
// but not journaled are taken back: their senders see c.stopped and send
// nothing. c.mu is held.
func (c *claimRun) journalLocked(ctx context.Context) {
	upTo := min(c.next+c.dueLocked(), len(c.k.Rows))
	c.journaling = true
	c.mu.Unlock()
	err := c.b.journal(ctx, c.k.j.Token, c.k.Rows[upTo-1].SubscriberID)
	c.mu.Lock()
	c.journaling = false
	c.cond.Broadcast()
	if err != nil {
		c.stopped, c.next = true, c.journaled
		if errors.Is(err, store.ErrLeaseLost) {
			c.lost = true
		} else if c.sendErr == nil {
			c.sendErr = err
		}
		return
	}
	c.journaled = max(c.journaled, upTo)
}

// take hands out the next row once the journal covers it (see
// journalLocked). A sender holding a rate slot (held) checks the run status
// from the cache prepare refreshed (see haltHeld).
func (c *claimRun) take(ctx context.Context, id int, held bool) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.freeSlotLocked()
	if held {
		c.waiting--
		c.wake[id] = time.Time{}
	}
	if c.stopped || c.next >= len(c.k.Rows) {
		return 0, false
	}
	halt := c.b.halt
	if held {
		halt = c.b.haltHeld
	}
	if h := halt(ctx); h != "" || ctx.Err() != nil {
		c.halted, c.stopped = h, true
		return 0, false
	}
	i := c.next
	c.next++
	c.sending++
	for c.journaled <= i {
		switch {
		case c.journaling:
			c.cond.Wait()
		case c.stopped:
			// every row not journaled is a sender's here, waiting: all go
			// back untried with the rest
			c.next = c.journaled
			c.sending--
			return 0, false
		default:
			c.journalLocked(ctx)
		}
	}
	return i, true
}

// done notes an outcome; the sender that fills a record writes it, while
// the others keep sending.
func (c *claimRun) done(ctx context.Context, r store.Result, err error) {
	c.mu.Lock()
	c.ready = append(c.ready, r)
	c.sending--
	c.freeSlotLocked()
	if err != nil {
		c.stopped = true
		if c.sendErr == nil {
			c.sendErr = err
		}
		c.slotFree.Broadcast()
	}
	e := c.b.e.Cfg
	if c.stopped || c.next >= len(c.k.Rows) || (len(c.ready) < e.RecordSize && time.Since(c.since) < e.RecordEvery) {
		c.mu.Unlock()
		return // the last outcomes are recorded with the claim's release
	}
	out := c.ready
	c.ready, c.since = make([]store.Result, 0, cap(out)), time.Now()
	c.mu.Unlock()
	if err := c.b.record(ctx, c.k.ID, out, false); err != nil {
		c.mu.Lock()
		c.stopped, c.recErr = true, err
		c.slotFree.Broadcast()
		c.mu.Unlock()
	}
}

// journal writes the claim's journal, retrying through a dropped
// connection; a lost lease is final.
func (b *batch) journal(ctx context.Context, token, upTo int64) error {
	var err error
	for i := range 4 {
		err = b.e.noteJournal(ctx, token, upTo)
		if err == nil || errors.Is(err, store.ErrLeaseLost) || ctx.Err() != nil {
			return err
		}
		b.log.Warn("journal claim", "attempt", i+1, "err", err)
		if sleep(ctx, time.Duration(50<<i)*time.Millisecond) != nil {
			break
		}
	}
	return err
}

func haltErr(h string) error {
	if h == "stop" {
		return errShutdown
	}
	return nil // paused or cancelled: the task is done; resume enqueues it again
}

// halt says why this batch must stop now ("" = keep going): the worker is
// shutting down ("stop") or the run is no longer sending (its status, read
// at most every StatePoll so pause/cancel land within a second).
func (b *batch) halt(ctx context.Context) string { return b.haltWithin(ctx, b.e.Cfg.StatePoll) }

// haltHeld is halt for a sender between its rate slot and the send: the
// status cache may be up to heldStateAge old, so the round trip that
// refreshes it falls before the slot's wait (prepare), not between the slot
// and the send, where it put sends of different workers closer than 1/rate.
func (b *batch) haltHeld(ctx context.Context) string { return b.haltWithin(ctx, heldStateAge) }

// heldStateAge: pause and cancel still land within a second.
const heldStateAge = 750 * time.Millisecond

func (b *batch) haltWithin(ctx context.Context, maxAge time.Duration) string {
	if b.e.stopped() {
		return "stop"
	}
	if st := b.e.status(ctx, b.runID, maxAge); st != "" && st != store.RunSending {
		return st
	}
	return ""
}

func giveBack(rows []store.Claimed, halt string) []store.Result {
	out := make([]store.Result, len(rows))
	for i, c := range rows {
		if halt == store.RunCancelled {
			out[i] = store.Result{SubscriberID: c.SubscriberID, Status: store.DeliverySkipped, Reason: "cancelled"}
		} else {
			out[i] = store.Result{SubscriberID: c.SubscriberID, Status: store.DeliveryPending, Unclaim: true}
		}
	}
	return out
}

// deliver sends every part to one recipient. The error is set only for a
// transient failure that outlived the in-task retries (the row goes back to
// pending and the task is retried by Asynq).
func (b *batch) deliver(ctx context.Context, c store.Claimed) (store.Result, error) {
	return b.deliverHeld(ctx, c, false)
}

// deliverHeld is deliver for a sender that already holds a rate slot for
// the first part (held).
func (b *batch) deliverHeld(ctx context.Context, c store.Claimed, held bool) (store.Result, error) {
	res := func(status, reason string) store.Result {
		return store.Result{SubscriberID: c.SubscriberID, Status: status, Reason: reason}
	}
	if c.Status != "active" {
		return res(store.DeliverySkipped, "subscriber "+c.Status), nil
	}
	if c.To == "" {
		return res(store.DeliveryFailed, "no address on "+b.lane.ch.Name()), nil
	}
	r := b.render(c.Locale)
	if r.err != nil {
		return res(store.DeliveryFailed, "render: "+r.err.Error()), nil
	}
	return b.sendParts(ctx, c, r, held)
}

func (b *batch) sendParts(ctx context.Context, c store.Claimed, r rendered, held bool) (store.Result, error) {
	res := func(status, reason string) store.Result {
		return store.Result{SubscriberID: c.SubscriberID, Status: status, Reason: reason}
	}
	partial := func(i int, why string) store.Result {
		return res(store.DeliveryFailed, fmt.Sprintf("%d of %d parts sent, then: %s", i, len(r.parts), why))
	}
	to, migrated, tries := c.To, false, 0
	ch, lim, markup := b.lane.ch, b.lane.lim, b.lane.ch.Limits().Markup
	for i := 0; i < len(r.parts); {
		var err error
		if !held {
			err = lim.Wait(ctx)
		}
		held = false
		// At a low rate a slot can be a second away: look at pause/cancel
		// again before sending, so they still land within a second.
		if h := b.haltHeld(ctx); err != nil || h != "" {
			if i == 0 {
				return giveBack([]store.Claimed{c}, h)[0], nil
			}
			return partial(i, "interrupted"), nil
		}
		sentAt := lim.Sending()
		out := ch.Send(ctx, to, personalize(r.parts[i], c.FirstName, r.locale, markup))
		lim.Answered(ctx, sentAt)
		switch out.Kind {
		case channel.Sent:
			i, tries = i+1, 0
		case channel.RateLimited, channel.Unavailable:
			// not the recipient's fault: every sender on this channel waits,
			// then this one is retried; other channels keep going
			b.e.Metrics.tooManyRequests(b.lane.ch.Name())
			b.log.Warn("429: pausing the channel's senders", "retry_after", out.RetryAfter)
			_ = lim.Pause(ctx, out.RetryAfter)
		case channel.Migrated:
			if migrated || out.MigrateTo == "" {
				return res(store.DeliveryFailed, "chat migrated more than once"), nil
			}
			if err := b.e.Store.MoveRecipient(ctx, c.SubscriberID, out.MigrateTo); err != nil {
				b.log.Warn("follow migrated chat", "subscriber_id", c.SubscriberID, "err", err)
			}
			to, migrated = out.MigrateTo, true
		case channel.Blocked:
			return res(store.DeliveryBlocked, out.Reason), nil
		case channel.Failed:
			if i > 0 {
				return partial(i, out.Reason), nil
			}
			return res(store.DeliveryFailed, out.Reason), nil
		case channel.Transient:
			if tries < len(b.e.Cfg.Backoff) && sleep(ctx, b.e.Cfg.Backoff[tries]) == nil {
				tries++
				continue
			}
			switch {
			case i > 0:
				return partial(i, out.Reason), nil
			case c.Attempts >= b.e.Cfg.MaxAttempts:
				return res(store.DeliveryFailed, "gave up: "+out.Reason), nil
			}
			return store.Result{SubscriberID: c.SubscriberID, Status: store.DeliveryPending, Reason: out.Reason},
				fmt.Errorf("run %d batch %d: transient send failure: %s", b.runID, b.num, out.Reason)
		default:
			return res(store.DeliveryUnknown, out.Reason), nil
		}
	}
	return res(store.DeliverySent, ""), nil
}

// render caches the rendered parts per served locale.
func (b *batch) render(locale string) rendered {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, served := b.content.For(locale)
	if r, ok := b.parts[served]; ok {
		return r
	}
	parts, err := b.lane.ch.Render(v, b.content.Split)
	r := rendered{parts: parts, locale: served, err: err}
	b.parts[served] = r
	return r
}

// personalize fills {name} as the channel's markup needs; an empty name
// becomes a friendly word.
func personalize(p messages.Part, name, locale string, m messages.Markup) messages.Part {
	if name == "" {
		name = "bạn"
		if locale == messages.LocaleEN {
			name = "there"
		}
	}
	p.Text = messages.PersonalizeFor(p.Text, name, m)
	return p
}

// record writes outcomes of a claim (with release, the last of them: the
// claim is done), retrying through dropped connections. It runs even after
// ctx ends: a send that happened must be recorded. If it still fails, the
// rows stay held by the claim; when its lease runs out they become
// 'unknown' (journaled) or free again (never tried), never re-sent.
func (b *batch) record(ctx context.Context, claimID int64, rs []store.Result, release bool) error {
	ctx = context.WithoutCancel(ctx)
	var err error
	for i := range 6 {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		var rec store.Recorded
		rec, err = b.e.Store.RecordResults(rctx, b.runID, claimID, rs, release)
		cancel()
		if err == nil {
			b.e.countOutcomes(rec)
			return nil
		}
		b.log.Warn("record outcomes", "attempt", i+1, "err", err)
		time.Sleep(time.Duration(100<<i) * time.Millisecond)
	}
	return fmt.Errorf("run %d batch %d: record: %w", b.runID, b.num, err)
}

// countOutcomes counts what the database says it recorded, so the counters
// agree with the delivery rows (a row another sender or the sweeper had
// already settled is not counted twice).
func (e *Engine) countOutcomes(rec store.Recorded) {
	if e.Metrics == nil {
		return
	}
	for st, n := range rec.ByStatus {
		if st == store.DeliveryPending {
			st = "retry"
		}
		e.Metrics.outcome(st, n)
	}
}

// finish marks the run done if nothing is left; exactly one caller wins.
func (e *Engine) finish(ctx context.Context, runID int64) {
	d, ok, err := e.Store.FinishRunIfComplete(ctx, runID)
	if err != nil {
		e.Log.Warn("finish run", "run_id", runID, "err", err)
		return
	}
	if ok {
		e.Redis.Del(ctx, keyRunState(runID))
		e.Log.Info("run done", "run_id", runID, "took", d.Round(time.Millisecond))
	}
}
