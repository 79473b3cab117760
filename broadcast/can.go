package broadcast

import (
	"context"
	"slices"
	"time"

	"github.com/loa-vn/loa/store"
)

// runLister reads a broadcast's runs: the workflow's transaction inside a
// step, the store itself for Can.
type runLister interface {
	RunsOf(ctx context.Context, broadcastID int64) ([]store.Run, error)
}

// Can reports, without changing anything, whether actor may take act on b
// now: nil, or the *Error the step itself would refuse with. It checks what
// a front end needs to know before it offers a button: the role table, an
// agency manager's scope, the state machine, the yearly-only steps, the
// two-person rule, a one-off broadcast already sent, the occurrence an
// undo of a cancel would come too late for, and whether test sends are
// possible here. It does not re-count the audience or re-check a one-off
// time against the clock (the step's readiness check, which reads the
// subscribers): the step still does, and may still refuse.
//
// b is the broadcast as read (Get); the step re-reads it on its locked row,
// so a change made in between is still caught.
func (w *Workflow) Can(ctx context.Context, actor Actor, act Action, b store.BroadcastDraft) error {
	if err := actor.may(act, b.ID); err != nil {
		return err
	}
	if act == Create {
		return nil
	}
	if err := w.inScope(ctx, actor, act, b); err != nil {
		return err
	}
	switch act {
	case Edit, ToDraft:
		if err := allowedFrom(act, b); err != nil {
			return err
		}
		return w.noRunYet(ctx, w.st, act, b)
	case Submit, Reject, Schedule, Unschedule:
		return allowedFrom(act, b)
	case Approve:
		if err := allowedFrom(Approve, b); err != nil {
			return err
		}
		if w.twoPerson && same(actor.Audit, b.LastChanger()) {
			e := refuse(TwoPersonRule, Approve, b.ID,
				"the two-person rule is on: you made the last change to broadcast %d, so someone else must approve it", b.ID)
			e.State = string(StateOf(b))
			return e
		}
		return nil
	case Skip:
		if err := mustBeYearly(Skip, b); err != nil {
			return err
		}
		return allowedFrom(Skip, b)
	case PauseYear:
		if err := mustBeYearly(PauseYear, b); err != nil {
			return err
		}
		if err := allowedFrom(PauseYear, b); err != nil {
			return err
		}
		loc, err := b.Schedule().Location()
		if err != nil {
			return err
		}
		now := w.now().In(loc)
		end := time.Date(now.Year()+1, time.January, 1, 0, 0, 0, 0, loc)
		if !b.NextRunAt.Before(end) {
			e := refuse(WrongState, PauseYear, b.ID, "nothing of broadcast %d is due this year: its next occurrence is %s",
				b.ID, at(*b.NextRunAt, loc))
			e.State = string(StateOf(b))
			return e
		}
		return nil
	case Uncancel:
		if err := allowedFrom(Uncancel, b); err != nil {
			return err
		}
		if err := mustBeYearly(Uncancel, b); err != nil {
			return err
		}
		deadline, ok := b.CancelledNextRunAt, true
		if deadline == nil {
			cancelledAt := w.now()
			if b.CancelledAt != nil {
				cancelledAt = *b.CancelledAt
			}
			var d time.Time
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
		return nil
	case Cancel:
		switch st := StateOf(b); st {
		case StateCancelled, StateFinished:
			runs, err := w.st.RunsOf(ctx, b.ID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(runs, active) {
				e := refuse(WrongState, Cancel, b.ID, "broadcast %d is already %s", b.ID, st)
				e.State = string(st)
				return e
			}
		}
		return nil
	case TestSend:
		if !actor.isStaff() {
			return refuse(NotLinked, TestSend, b.ID, "a test send goes to a staff member's own chat: use the API or Telegram")
		}
		if w.sender == nil {
			return refuse(Unavailable, TestSend, b.ID, "this server cannot send test messages")
		}
		if !actor.Staff.Linked() {
			return refuse(NotLinked, TestSend, b.ID, "link your Telegram account first, then send a test")
		}
		return nil
	}
	return nil
}

// CanRun is Can for a run step (PauseRun, ResumeRun, CancelRun) on run r
// of broadcast b.
func (w *Workflow) CanRun(ctx context.Context, actor Actor, act Action, b store.BroadcastDraft, r store.Run) error {
	if err := actor.may(act, b.ID); err != nil {
		return err
	}
	if err := w.inScope(ctx, actor, act, b); err != nil {
		return err
	}
	if !slices.Contains(runFrom[act], r.Status) {
		return runState(act, r)
	}
	return nil
}

// Page narrows ListPage: a keyset page of broadcasts, newest first.
type Page struct {
	Status   string // a stored status; "" for all
	BeforeID int64  // only broadcasts with a smaller id (the last id of the previous page); 0: the first page
	Limit    int
}

// ListPage is List paged by keyset (id), never by OFFSET: the console's
// lists cost the same on the first page and the hundredth.
func (w *Workflow) ListPage(ctx context.Context, actor Actor, f Page) ([]store.BroadcastDraft, error) {
	if err := actor.may(View, 0); err != nil {
		return nil, err
	}
	pf := store.DraftPage{Status: f.Status, BeforeID: f.BeforeID, Limit: f.Limit}
	if actor.manager() {
		ids, err := w.st.AgencySubtree(ctx, *actor.Staff.AgencyID)
		if err != nil {
			return nil, err
		}
		pf.AgencyIDs = ids
	}
	return w.st.ListDraftsPage(ctx, pf)
}
