package broadcast

import (
	"context"
	"errors"
	"time"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// Schedule makes an approved broadcast due at its schedule's next time;
// the scheduler process starts its run then. Scheduling again recomputes the
// next time, which also undoes a skipped occurrence or a pause for the year.
//
// At moves a one-off broadcast to another time. That changes what was
// approved, so under the two-person rule it is refused: send the broadcast
// back to draft, change the time and have it approved again.
func (w *Workflow) Schedule(ctx context.Context, actor Actor, id int64, at *time.Time) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, Schedule, id, "broadcast.schedule", func(ctx context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Schedule, *b); err != nil {
			return err
		}
		if at != nil && (b.SendAt == nil || !at.Equal(*b.SendAt)) {
			if yearly(*b) {
				return invalid(Schedule, b.ID, "a yearly campaign goes out on its own date: edit its schedule instead",
					[]messages.FieldError{{Path: "schedule.at", Message: "is for a one-off broadcast"}})
			}
			if f := w.atError(*at); f != nil {
				return invalid(Schedule, b.ID, "the new send time "+f.Message, []messages.FieldError{*f})
			}
			if w.twoPerson {
				e := refuse(TwoPersonRule, Schedule, b.ID, "the two-person rule is on: a new send time needs a new approval; "+
					"send broadcast %d back to draft, change its time and have someone else approve it", b.ID)
				e.State = string(StateOf(*b))
				return e
			}
			b.SendAt = at
			changedBy(b, actor)
		}
		if err := w.ready(ctx, Schedule, *b); err != nil {
			return err
		}
		next, ok := b.Schedule().Next(w.now())
		if !ok {
			return invalid(Schedule, b.ID, "the broadcast has no send time in the future",
				[]messages.FieldError{{Path: "schedule", Message: "has no time in the future"}})
		}
		b.NextRunAt, b.PausedUntil = &next, nil
		return nil
	})
}

// Unschedule stops a scheduled broadcast from becoming due; it stays
// approved, and Schedule makes it due again.
func (w *Workflow) Unschedule(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, Unschedule, id, "broadcast.unschedule", func(_ context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Unschedule, *b); err != nil {
			return err
		}
		b.NextRunAt, b.PausedUntil = nil, nil
		return nil
	})
}

// Skip skips the next occurrence of a scheduled yearly campaign: it stays
// scheduled, for the occurrence after. Schedule undoes it.
func (w *Workflow) Skip(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, Skip, id, "broadcast.skip", func(_ context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := mustBeYearly(Skip, *b); err != nil {
			return err
		}
		if err := allowedFrom(Skip, *b); err != nil {
			return err
		}
		next, ok := b.Schedule().Next(*b.NextRunAt)
		if !ok {
			return invalid(Skip, b.ID, "the campaign has no occurrence after the next one",
				[]messages.FieldError{{Path: "schedule.yearly", Message: "has no later occurrence"}})
		}
		b.NextRunAt = &next
		return nil
	})
}

// PauseYear holds a scheduled yearly campaign for the rest of this year (in
// its time zone) without cancelling it: nothing goes out before 1 January,
// and it is due again at its first occurrence after that. Schedule resumes
// it earlier.
func (w *Workflow) PauseYear(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, PauseYear, id, "broadcast.pause_year", func(_ context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := mustBeYearly(PauseYear, *b); err != nil {
			return err
		}
		if err := allowedFrom(PauseYear, *b); err != nil {
			return err
		}
		loc, err := b.Schedule().Location()
		if err != nil {
			return err
		}
		now := w.now().In(loc)
		end := time.Date(now.Year()+1, time.January, 1, 0, 0, 0, 0, loc)
		if !b.NextRunAt.Before(end) {
			msg := "nothing of broadcast %d is due this year: its next occurrence is %s (skip it instead)"
			if b.PausedUntil != nil && b.PausedUntil.After(w.now()) {
				msg = "broadcast %d is already paused for the year: its next occurrence is %s"
			}
			e := refuse(WrongState, PauseYear, b.ID, msg, b.ID, at(*b.NextRunAt, loc))
			e.State = string(StateOf(*b))
			return e
		}
		next, ok := b.Schedule().Next(end.Add(-time.Nanosecond))
		if !ok {
			return invalid(PauseYear, b.ID, "the campaign has no occurrence next year",
				[]messages.FieldError{{Path: "schedule.yearly", Message: "has no later occurrence"}})
		}
		b.NextRunAt, b.PausedUntil = &next, &end
		return nil
	})
}

// CancelResult is what Cancel did: the broadcast, and the runs it cancelled.
type CancelResult struct {
	Broadcast store.BroadcastDraft
	Runs      []store.Run
}

// Cancel is the one cancel: the broadcast stops (no future occurrence) and
// its active runs are cancelled through the run control, so every worker
// stops within a second. A broadcast already cancelled or finished is
// refused, unless a run of it is still active (a cancel interrupted half way
// is finished by a second one).
func (w *Workflow) Cancel(ctx context.Context, actor Actor, id int64) (CancelResult, error) {
	var runs []store.Run
	b, err := w.step(ctx, actor, Cancel, id, "broadcast.cancel", func(ctx context.Context, tx *store.WorkflowTx, b *store.BroadcastDraft) error {
		all, err := tx.RunsOf(ctx, b.ID)
		if err != nil {
			return err
		}
		for _, r := range all {
			if active(r) {
				runs = append(runs, r)
			}
		}
		switch st := StateOf(*b); st {
		case StateCancelled, StateFinished:
			if len(runs) == 0 {
				e := refuse(WrongState, Cancel, b.ID, "broadcast %d is already %s", b.ID, st)
				e.State = string(st)
				return e
			}
			return nil // only its runs are left to cancel
		}
		b.CancelledFrom, b.CancelledNextRunAt, b.CancelledAt = ptr(b.Status), b.NextRunAt, ptr(w.now())
		b.Status, b.NextRunAt = store.BroadcastCancelled, nil
		return nil
	})
	if err != nil {
		return CancelResult{Broadcast: b}, err
	}
	res := CancelResult{Broadcast: b}
	for _, r := range runs {
		got, err := w.runs.Cancel(ctx, r.ID, actor.Audit)
		if errors.Is(err, store.ErrConflict) {
			continue // it ended meanwhile
		}
		if err != nil {
			return res, err
		}
		res.Runs = append(res.Runs, got)
	}
	return res, nil
}

// Uncancel undoes the cancel of a yearly campaign before the occurrence it
// would have sent next: it is back in the state it was cancelled in
// (scheduled for that occurrence if it was). Runs the cancel stopped stay
// cancelled.
func (w *Workflow) Uncancel(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, Uncancel, id, "broadcast.uncancel", func(_ context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Uncancel, *b); err != nil {
			return err
		}
		if err := mustBeYearly(Uncancel, *b); err != nil {
			return err
		}
		deadline, ok := b.CancelledNextRunAt, true
		if deadline == nil {
			var d time.Time
			cancelledAt := w.now()
			if b.CancelledAt != nil {
				cancelledAt = *b.CancelledAt
			}
			d, ok = b.Schedule().Next(cancelledAt)
			deadline = &d
		}
		if !ok || !w.now().Before(*deadline) {
			loc, _ := b.Schedule().Location()
			e := refuse(TooLate, Uncancel, b.ID, "the cancel of broadcast %d can no longer be undone: the occurrence it stopped (%s) has passed",
				b.ID, at(*deadline, loc))
			e.State = string(StateCancelled)
			return e
		}
		status := store.BroadcastDraftStatus
		if b.CancelledFrom != nil {
			status = *b.CancelledFrom
		}
		b.Status, b.NextRunAt = status, nil
		if status == store.BroadcastApproved {
			b.NextRunAt = b.CancelledNextRunAt
		}
		b.CancelledAt, b.CancelledFrom, b.CancelledNextRunAt = nil, nil, nil
		return nil
	})
}

// at formats a time for a message, in the broadcast's zone.
func at(t time.Time, loc *time.Location) string { return FormatTime(t, loc) }

// FormatTime shows a stored time as people read it, in loc (UTC if nil):
// "2026-10-10 08:00 +07", with the seconds when it has any
// ("2026-10-10 04:59:30 +07"), so what is shown is what was stored.
func FormatTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05 MST")
	}
	return t.Format("2006-01-02 15:04 MST")
}
