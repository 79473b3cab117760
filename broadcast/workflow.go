// Package broadcast is the one workflow of a broadcast's life: create, edit,
// submit, approve, reject, send back to draft, schedule, unschedule, skip an
// occurrence or pause a yearly campaign for the year, cancel and undo a
// cancel, control its runs and send a test. It holds the state machine, the
// role rules, an agency manager's scope and the two-person rule. The HTTP
// API, the Telegram staff commands and the command line are adapters: they
// decode, call a Workflow method, encode, and translate its *Error once.
//
// Every step runs in one transaction on the broadcast's locked row: a step
// it refuses leaves the broadcast, its runs and the audit log as they were.
//
// The states (State): draft → submitted → approved → scheduled (approved
// with a next send time) → finished; cancelled from any state before
// finished. Editing a submitted broadcast, rejecting it, or sending an
// approved or scheduled one back to draft all need a new approval.
package broadcast

import (
	"context"
	"errors"
	"time"

	"github.com/loa-vn/loa/store"
)

// RunControl pauses, resumes and cancels runs so that every worker notices
// within a second; *jobs.Engine implements it (jobs/control.go).
type RunControl interface {
	Pause(ctx context.Context, runID int64, actor store.Actor) (store.Run, error)
	Resume(ctx context.Context, runID int64, actor store.Actor) (store.Run, error)
	Cancel(ctx context.Context, runID int64, actor store.Actor) (store.Run, error)
}

// Config is what a Workflow needs.
type Config struct {
	Store *store.Store
	// Runs controls runs (a *jobs.Engine). Nil: runs change in PostgreSQL
	// only, which workers notice on their next poll.
	Runs RunControl
	// Sender sends test messages; nil refuses test sends as unavailable.
	Sender TestSender
	// TwoPersonRule (LOA_TWO_PERSON_RULE): whoever last changed a
	// broadcast's content, audience or schedule cannot approve it.
	TwoPersonRule bool
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// Workflow is safe for concurrent use.
type Workflow struct {
	st        *store.Store
	runs      RunControl
	sender    TestSender
	twoPerson bool
	now       func() time.Time
}

// New builds a workflow.
func New(c Config) *Workflow {
	w := &Workflow{st: c.Store, runs: c.Runs, sender: c.Sender, twoPerson: c.TwoPersonRule, now: c.Now}
	if w.runs == nil {
		w.runs = storeRuns{c.Store}
	}
	if w.now == nil {
		w.now = time.Now
	}
	return w
}

// TwoPersonRule reports whether the rule is on.
func (w *Workflow) TwoPersonRule() bool { return w.twoPerson }

// storeRuns changes runs in PostgreSQL only.
type storeRuns struct{ st *store.Store }

func (s storeRuns) Pause(ctx context.Context, id int64, a store.Actor) (store.Run, error) {
	return s.st.PauseRun(ctx, id, a)
}
func (s storeRuns) Resume(ctx context.Context, id int64, a store.Actor) (store.Run, error) {
	return s.st.ResumeRun(ctx, id, a)
}
func (s storeRuns) Cancel(ctx context.Context, id int64, a store.Actor) (store.Run, error) {
	return s.st.CancelRun(ctx, id, a)
}

// decision changes the locked row b (in memory) or refuses; tx is there for
// what else the step must read or write in the same transaction.
type decision func(ctx context.Context, tx *store.WorkflowTx, b *store.BroadcastDraft) error

// step is the one shape of a transition: check the role, begin, lock the
// row, check the scope on it, decide, save, audit, commit. Any refusal
// returns before Commit, and the deferred Rollback undoes everything.
func (w *Workflow) step(ctx context.Context, actor Actor, act Action, id int64, audit string, decide decision) (store.BroadcastDraft, error) {
	if err := actor.may(act, id); err != nil {
		return store.BroadcastDraft{}, err
	}
	tx, err := w.st.BeginWorkflow(ctx)
	if err != nil {
		return store.BroadcastDraft{}, err
	}
	defer tx.Rollback()
	before, err := tx.LockBroadcast(ctx, id)
	if err != nil {
		return before, notFound(act, id, err)
	}
	if err := w.inScope(ctx, actor, act, before); err != nil {
		return before, err
	}
	after := before
	if err := decide(ctx, tx, &after); err != nil {
		return before, err
	}
	saved, err := tx.SaveBroadcast(ctx, after)
	if err != nil {
		return before, err
	}
	if err := tx.Audit(ctx, actor.Audit, audit, "broadcast", id, before, saved); err != nil {
		return before, err
	}
	return saved, tx.Commit()
}

func notFound(act Action, id int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		e := refuse(NotFound, act, id, "broadcast %d does not exist", id)
		e.err = err
		return e
	}
	return err
}

// inScope limits an agency manager to broadcasts written for their agency
// or one below it.
func (w *Workflow) inScope(ctx context.Context, actor Actor, act Action, b store.BroadcastDraft) error {
	if !actor.manager() {
		return nil
	}
	if b.AgencyID == nil {
		return refuse(OutOfScope, act, b.ID, "broadcast %d is not one of your agency's", b.ID)
	}
	ok, err := w.st.AgencyWithin(ctx, *actor.Staff.AgencyID, *b.AgencyID)
	if err != nil {
		return err
	}
	if !ok {
		return refuse(OutOfScope, act, b.ID, "broadcast %d is not one of your agency's", b.ID)
	}
	return nil
}

// changedBy records actor as the last to change the content, the audience
// or the schedule: under the two-person rule, not its approver.
func changedBy(b *store.BroadcastDraft, actor Actor) {
	b.ChangedByKind = actor.Audit.Kind
	if b.ChangedByKind == "" {
		b.ChangedByKind = store.ActorSystem
	}
	b.ChangedBy = nil
	if actor.isStaff() {
		id := actor.Staff.ID
		b.ChangedBy = &id
	}
}

// backToDraft clears what an approval (or a submission) granted.
func backToDraft(b *store.BroadcastDraft) {
	b.Status = store.BroadcastDraftStatus
	b.SubmittedAt, b.ApprovedBy, b.ApprovedAt, b.NextRunAt, b.PausedUntil = nil, nil, nil, nil, nil
}

func ptr[T any](v T) *T { return &v }
