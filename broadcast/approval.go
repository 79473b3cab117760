package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/loa-vn/loa/messages"
	"github.com/loa-vn/loa/store"
)

// Submit asks for approval. The broadcast must be able to go out: a
// one-off time still ahead, an audience that reaches someone.
func (w *Workflow) Submit(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, Submit, id, "broadcast.submit", func(ctx context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Submit, *b); err != nil {
			return err
		}
		if err := w.ready(ctx, Submit, *b); err != nil {
			return err
		}
		b.Status, b.SubmittedAt, b.RejectReason = store.BroadcastSubmitted, ptr(w.now()), ""
		return nil
	})
}

// Approve approves a submitted broadcast. Under the two-person rule the
// actor must not be whoever last changed its content, audience or schedule
// (admins and the operator included): checked on the locked row, so no two
// requests can race past it. Time and other people may have changed things
// since it was submitted, so it must still be able to go out.
func (w *Workflow) Approve(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, Approve, id, "broadcast.approve", func(ctx context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Approve, *b); err != nil {
			return err
		}
		if w.twoPerson && same(actor.Audit, b.LastChanger()) {
			e := refuse(TwoPersonRule, Approve, b.ID,
				"the two-person rule is on: you made the last change to broadcast %d, so someone else must approve it", b.ID)
			e.State = string(StateOf(*b))
			return e
		}
		if err := w.ready(ctx, Approve, *b); err != nil {
			return err
		}
		b.Status, b.ApprovedAt, b.ApprovedBy = store.BroadcastApproved, ptr(w.now()), nil
		if actor.isStaff() {
			b.ApprovedBy = ptr(actor.Staff.ID)
		}
		return nil
	})
}

// MaxReason bounds a rejection's reason.
const MaxReason = 1000

// Reject sends a submitted broadcast back to its author with a reason.
func (w *Workflow) Reject(ctx context.Context, actor Actor, id int64, reason string) (store.BroadcastDraft, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > MaxReason {
		if err := actor.may(Reject, id); err != nil {
			return store.BroadcastDraft{}, err
		}
		return store.BroadcastDraft{}, invalid(Reject, id, "say why the broadcast is sent back",
			[]messages.FieldError{{Path: "reason", Message: fmt.Sprintf("required, at most %d characters", MaxReason)}})
	}
	return w.step(ctx, actor, Reject, id, "broadcast.reject", func(_ context.Context, _ *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(Reject, *b); err != nil {
			return err
		}
		backToDraft(b)
		b.RejectReason = reason
		return nil
	})
}

// ToDraft sends a submitted, approved or scheduled broadcast back to draft,
// to fix a typo: it stops being due and needs approval again. A one-off
// broadcast that has started sending cannot: its message is out.
func (w *Workflow) ToDraft(ctx context.Context, actor Actor, id int64) (store.BroadcastDraft, error) {
	return w.step(ctx, actor, ToDraft, id, "broadcast.to_draft", func(ctx context.Context, tx *store.WorkflowTx, b *store.BroadcastDraft) error {
		if err := allowedFrom(ToDraft, *b); err != nil {
			return err
		}
		if err := w.noRunYet(ctx, tx, ToDraft, *b); err != nil {
			return err
		}
		backToDraft(b)
		return nil
	})
}

// ready re-checks what time or other people may have changed since a
// broadcast was written: a one-off time now past, an audience now empty.
// Submit, approve and schedule all apply it.
func (w *Workflow) ready(ctx context.Context, act Action, b store.BroadcastDraft) error {
	var fe []messages.FieldError
	if b.SendAt != nil && !b.SendAt.After(w.now()) {
		fe = append(fe, messages.FieldError{Path: "schedule.at", Message: "is in the past"})
	}
	n, err := w.count(ctx, b)
	if err != nil {
		return err
	}
	if n == 0 {
		fe = append(fe, messages.FieldError{Path: "audience", Message: "reaches nobody: no active subscriber matches every filter"})
	}
	if fe == nil {
		return nil
	}
	e := invalid(act, b.ID, fmt.Sprintf("broadcast %d cannot be %s yet", b.ID, done[act]), fe)
	e.State = string(StateOf(b))
	return e
}

var done = map[Action]string{Submit: "submitted", Approve: "approved", Schedule: "scheduled"}

// count is who the broadcast would reach now.
func (w *Workflow) count(ctx context.Context, b store.BroadcastDraft) (int, error) {
	var a messages.Audience
	if err := json.Unmarshal(b.Audience, &a); err != nil {
		return 0, fmt.Errorf("broadcast %d audience: %w", b.ID, err)
	}
	return w.st.CountAudience(ctx, a, b.AgencyID)
}
