package store

// The store-level workflow steps the staff bot and the command line used
// before package broadcast. They go with the last adapter that calls them:
// nothing new may use them (they skip the workflow's rules).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/loa-vn/loa/messages"
)

// ErrSameApprover: under the two-person rule the author may not approve.
var ErrSameApprover = errors.New("the two-person rule forbids approving your own broadcast")

// ErrWrongStatus: the workflow step does not apply in the broadcast's status.
var ErrWrongStatus = fmt.Errorf("%w: not possible in the broadcast's current status", ErrConflict)

// UpdateDraft replaces a draft's content, audience and schedule. Editing a
// submitted broadcast takes it back to draft: what was submitted is not
// what would be approved.
func (s *Store) UpdateDraft(ctx context.Context, actor Actor, id int64, in DraftInput) (BroadcastDraft, error) {
	cols, err := in.columns()
	if err != nil {
		return BroadcastDraft{}, err
	}
	return s.changeDraft(ctx, id, actor, "broadcast.update", []string{BroadcastDraftStatus, BroadcastSubmitted},
		func(tx *sqlx.Tx, b *BroadcastDraft) error {
			return tx.GetContext(ctx, b, `UPDATE broadcasts SET name = $2, content = $3, audience = $4, send_at = $5,
				repeat_month = $6, repeat_day = $7, repeat_hour = $8, repeat_min = $9, timezone = $10, agency_id = $11,
				status = 'draft', submitted_at = NULL, updated_at = now() WHERE id = $1 RETURNING `+draftCols,
				append([]any{id}, cols...)...)
		})
}

// SubmitBroadcast asks for approval.
func (s *Store) SubmitBroadcast(ctx context.Context, actor Actor, id int64) (BroadcastDraft, error) {
	return s.changeDraft(ctx, id, actor, "broadcast.submit", []string{BroadcastDraftStatus},
		func(tx *sqlx.Tx, b *BroadcastDraft) error {
			return tx.GetContext(ctx, b, `UPDATE broadcasts SET status = 'submitted', submitted_at = now(), updated_at = now()
				WHERE id = $1 RETURNING `+draftCols, id)
		})
}

// ApproveBroadcast approves a submitted broadcast. With twoPerson, the
// author cannot approve it: checked here, on the locked row, so no race
// between two requests can slip past the rule.
func (s *Store) ApproveBroadcast(ctx context.Context, actor Actor, id int64, twoPerson bool) (BroadcastDraft, error) {
	return s.changeDraft(ctx, id, actor, "broadcast.approve", []string{BroadcastSubmitted},
		func(tx *sqlx.Tx, b *BroadcastDraft) error {
			if twoPerson && b.CreatedBy != nil && *b.CreatedBy == actor.StaffID {
				return ErrSameApprover
			}
			return tx.GetContext(ctx, b, `UPDATE broadcasts SET status = 'approved', approved_by = $2, approved_at = now(),
				updated_at = now() WHERE id = $1 RETURNING `+draftCols, id, nullID(actor.StaffID))
		})
}

// RejectBroadcast sends a submitted broadcast back to draft with a reason.
func (s *Store) RejectBroadcast(ctx context.Context, actor Actor, id int64, reason string) (BroadcastDraft, error) {
	return s.changeDraft(ctx, id, actor, "broadcast.reject", []string{BroadcastSubmitted},
		func(tx *sqlx.Tx, b *BroadcastDraft) error {
			err := tx.GetContext(ctx, b, `UPDATE broadcasts SET status = 'draft', submitted_at = NULL, updated_at = now()
				WHERE id = $1 RETURNING `+draftCols, id)
			if err == nil {
				err = audit(ctx, tx, actor, "broadcast.reject_reason", "broadcast", id, nil, map[string]string{"reason": reason})
			}
			return err
		})
}

// changeDraft locks the row, checks its status, applies change and audits
// before/after in one transaction.
func (s *Store) changeDraft(ctx context.Context, id int64, actor Actor, action string, from []string,
	change func(tx *sqlx.Tx, b *BroadcastDraft) error) (BroadcastDraft, error) {
	var after BroadcastDraft
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before BroadcastDraft
		if err := tx.GetContext(ctx, &before, `SELECT `+draftCols+` FROM broadcasts WHERE id = $1 FOR UPDATE`, id); err != nil {
			return fmt.Errorf("broadcast %d: %w", id, translate(err))
		}
		if !contains(from, before.Status) {
			return fmt.Errorf("%s: broadcast %d is %s: %w", action, id, before.Status, ErrWrongStatus)
		}
		after = before
		if err := change(tx, &after); err != nil {
			return fmt.Errorf("%s: %w", action, translate(err))
		}
		return audit(ctx, tx, actor, action, "broadcast", id, before, after)
	})
	return after, err
}

// ApprovalProblems re-checks what time or other people may have changed
// since a broadcast was written: a one-off time now past, an audience now
// empty. The API and the staff bot both refuse to submit or approve while
// it returns anything, so the two apply the same rules.
func (s *Store) ApprovalProblems(ctx context.Context, b BroadcastDraft, now time.Time) ([]messages.FieldError, error) {
	var out []messages.FieldError
	if b.SendAt != nil && !b.SendAt.After(now) {
		out = append(out, messages.FieldError{Path: "schedule.at", Message: "is in the past"})
	}
	var a messages.Audience
	if err := json.Unmarshal(b.Audience, &a); err != nil {
		return nil, fmt.Errorf("broadcast %d audience: %w", b.ID, err)
	}
	n, err := s.CountAudience(ctx, a, b.AgencyID)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		out = append(out, messages.FieldError{Path: "audience", Message: "reaches nobody: no active subscriber matches every filter"})
	}
	return out, nil
}

// ScheduleBroadcast approves a broadcast (if it was not yet) and makes next
// its next occurrence. With sendAt, a one-off broadcast moves to that time.
func (s *Store) ScheduleBroadcast(ctx context.Context, id int64, next time.Time, sendAt *time.Time, actor Actor) (Broadcast, error) {
	return s.changeBroadcast(ctx, id, actor, "broadcast.schedule", func(tx *sqlx.Tx, b *Broadcast) error {
		if b.Status == "cancelled" || b.Status == "finished" {
			return fmt.Errorf("%w: broadcast %d is %s", ErrConflict, id, b.Status)
		}
		return tx.GetContext(ctx, b, `UPDATE broadcasts SET status = 'approved', approved_at = coalesce(approved_at, now()),
			next_run_at = $2, send_at = CASE WHEN repeat_month IS NULL THEN coalesce($3, send_at) ELSE send_at END,
			updated_at = now() WHERE id = $1 RETURNING `+broadcastCols, id, next, sendAt)
	})
}

// CancelBroadcast stops a broadcast from starting again; runs already
// started are cancelled separately (CancelRun).
func (s *Store) CancelBroadcast(ctx context.Context, id int64, actor Actor) (Broadcast, error) {
	return s.changeBroadcast(ctx, id, actor, "broadcast.cancel", func(tx *sqlx.Tx, b *Broadcast) error {
		return tx.GetContext(ctx, b, `UPDATE broadcasts SET status = 'cancelled', next_run_at = NULL, cancelled_at = now(), updated_at = now()
			WHERE id = $1 RETURNING `+broadcastCols, id)
	})
}

// changeBroadcast locks the row, applies change and audits before/after.
func (s *Store) changeBroadcast(ctx context.Context, id int64, actor Actor, action string,
	change func(tx *sqlx.Tx, b *Broadcast) error) (Broadcast, error) {
	var after Broadcast
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before Broadcast
		if err := tx.GetContext(ctx, &before, `SELECT `+broadcastCols+` FROM broadcasts WHERE id = $1 FOR UPDATE`, id); err != nil {
			return fmt.Errorf("broadcast %d: %w", id, translate(err))
		}
		after = before
		if err := change(tx, &after); err != nil {
			return fmt.Errorf("%s: %w", action, translate(err))
		}
		return audit(ctx, tx, actor, action, "broadcast", id, before, after)
	})
	return after, err
}
