package jobs

import (
	"context"
	"time"

	"github.com/loa-vn/loa/store"
)

// Scheduler starts due runs and keeps running ones moving. All its state is
// in PostgreSQL, so a restart loses nothing, and every step is idempotent,
// so two schedulers are safe.
type Scheduler struct {
	E *Engine
	// Poll is how often due broadcasts are looked for (500 ms: a run starts
	// within 2 s of its time).
	Poll time.Duration
	// SweepEvery is how often running runs are checked (5 s).
	SweepEvery time.Duration
	Now        func() time.Time
}

// Run loops until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	poll, sweep := s.Poll, s.SweepEvery
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	if sweep <= 0 {
		sweep = 5 * time.Second
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	var lastSweep time.Time
	for {
		if err := s.StartDue(ctx); err != nil && ctx.Err() == nil {
			s.E.Log.Warn("start due broadcasts", "err", err)
		}
		if time.Since(lastSweep) >= sweep {
			lastSweep = time.Now()
			if err := s.E.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.E.Log.Warn("sweep runs", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// StartDue starts every due broadcast and enqueues the new runs' plans.
func (s *Scheduler) StartDue(ctx context.Context) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	ids, err := s.E.Store.StartDueRuns(ctx, now(), NextAfter)
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.E.Log.Info("run started", "run_id", id)
		if err := s.E.EnqueuePlan(ctx, id); err != nil {
			return err // the run stays 'planning'; Sweep enqueues it again
		}
	}
	return nil
}

// NextAfter is a broadcast's next occurrence after occ: the next year for
// a yearly one, none for a one-off.
func NextAfter(b store.Broadcast, occ time.Time) *time.Time {
	sc := b.Schedule()
	if sc.Yearly == nil {
		return nil
	}
	t, ok := sc.Next(occ)
	if !ok {
		return nil
	}
	return &t
}

// Sweep repairs what a crash can leave behind: runs still 'planning' get
// their plan task again; idle sending runs get their pending batches
// enqueued again; rows left 'sending' past StaleAfter become 'unknown'; and
// runs with nothing left are finished.
func (e *Engine) Sweep(ctx context.Context) error {
	if err := e.expireClaims(ctx); err != nil {
		e.Log.Warn("expire claims", "err", err)
	}
	runs, err := e.Store.RunsIn(ctx, store.RunPlanning, store.RunSending, store.RunCancelled)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if err := e.sweepRun(ctx, r); err != nil {
			e.Log.Warn("sweep run", "run_id", r.ID, "err", err)
		}
	}
	return nil
}

// expireClaims takes back the claims of dead workers (leases not renewed
// for LeaseTTL): journaled rows become unknown, the rest pending, and
// those get a live worker at once rather than after IdleAfter.
func (e *Engine) expireClaims(ctx context.Context) error {
	xs, err := e.Store.ExpireClaims(ctx, e.Cfg.Now(), e.fenceJournals)
	if err != nil {
		return err
	}
	for _, x := range xs {
		e.Log.Warn("claims of a stopped sender taken back", "run_id", x.RunID, "unknown", x.Unknown, "pending", x.Pending)
		if e.Metrics != nil {
			e.Metrics.outcome(store.DeliveryUnknown, x.Unknown)
		}
		if x.Pending > 0 {
			if err := e.kick(ctx, x.RunID, true); err != nil {
				return err
			}
		}
		e.finish(ctx, x.RunID)
	}
	return nil
}

func (e *Engine) sweepRun(ctx context.Context, r store.Run) error {
	switch r.Status {
	case store.RunPlanning:
		if time.Since(r.CreatedAt) > 2*time.Second {
			return e.EnqueuePlan(ctx, r.ID)
		}
		return nil
	case store.RunCancelled:
		if r.FinishedAt != nil && time.Since(*r.FinishedAt) > 24*time.Hour {
			return nil
		}
		if n, err := e.Store.SkipUnclaimed(ctx, r.ID); err != nil {
			return err
		} else if n > 0 && e.Metrics != nil {
			e.Metrics.outcome(store.DeliverySkipped, n)
		}
		_, err := e.Store.ReconcileStale(ctx, r.ID, e.Cfg.StaleAfter)
		return err
	}
	if e.idleFor(ctx, r.ID) < e.Cfg.IdleAfter {
		return nil
	}
	if err := e.kick(ctx, r.ID, true); err != nil {
		return err
	}
	n, err := e.Store.ReconcileStale(ctx, r.ID, e.Cfg.StaleAfter)
	if err != nil {
		return err
	}
	if n > 0 {
		e.Log.Warn("deliveries with unknown outcome", "run_id", r.ID, "rows", n)
	}
	e.finish(ctx, r.ID)
	return nil
}
