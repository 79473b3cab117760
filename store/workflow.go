package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// WorkflowTx is the transaction one step of the broadcast workflow (package
// broadcast) runs in: it locks the broadcast's row, the workflow decides on
// the locked row, and the change and its audit rows commit together. A step
// the workflow refuses rolls back, so it leaves the broadcast, its runs and
// the audit log as they were. The rules live in package broadcast; this is
// only the SQL.
//
// Use it in the one transaction shape:
//
//	tx, err := st.BeginWorkflow(ctx)
//	if err != nil { return err }
//	defer tx.Rollback()
//	... tx.LockBroadcast, decide, tx.SaveBroadcast, tx.Audit ...
//	return tx.Commit()
type WorkflowTx struct {
	tx    *sqlx.Tx
	owned bool
}

// BeginWorkflow starts a workflow transaction.
func (s *Store) BeginWorkflow(ctx context.Context) (*WorkflowTx, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &WorkflowTx{tx: tx, owned: true}, nil
}

// WorkflowIn runs workflow steps inside a transaction someone else owns (the
// API's idempotency record): Commit and Rollback are then left to its owner.
func WorkflowIn(tx *sqlx.Tx) *WorkflowTx { return &WorkflowTx{tx: tx} }

// Rollback undoes the step; after Commit it is a no-op.
func (t *WorkflowTx) Rollback() error {
	if !t.owned {
		return nil
	}
	return t.tx.Rollback()
}

// Commit makes the step durable.
func (t *WorkflowTx) Commit() error {
	if !t.owned {
		return nil
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}

// LockBroadcast reads a broadcast and locks its row until the end of the
// transaction, so two steps on one broadcast run one after the other.
func (t *WorkflowTx) LockBroadcast(ctx context.Context, id int64) (BroadcastDraft, error) {
	var b BroadcastDraft
	if err := t.tx.GetContext(ctx, &b, `SELECT `+draftCols+` FROM broadcasts WHERE id = $1 FOR UPDATE`, id); err != nil {
		return b, fmt.Errorf("broadcast %d: %w", id, translate(err))
	}
	return b, nil
}

// InsertBroadcast creates a draft written by actor (its author and, for the
// two-person rule, the last to change it) and audits it.
func (t *WorkflowTx) InsertBroadcast(ctx context.Context, actor Actor, in DraftInput) (BroadcastDraft, error) {
	return createDraft(ctx, t.tx, actor, in)
}

// SaveBroadcast writes every column the workflow changes from b, as the
// workflow decided it on the locked row. The table's CHECKs still hold: a
// workflow bug fails here instead of writing an impossible row.
func (t *WorkflowTx) SaveBroadcast(ctx context.Context, b BroadcastDraft) (BroadcastDraft, error) {
	var out BroadcastDraft
	err := t.tx.GetContext(ctx, &out, `UPDATE broadcasts SET name = $2, content = $3, audience = $4, agency_id = $5,
			status = $6, send_at = $7, repeat_month = $8, repeat_day = $9, repeat_hour = $10, repeat_min = $11,
			timezone = $12, next_run_at = $13, submitted_at = $14, approved_by = $15, approved_at = $16,
			changed_by_kind = $17, changed_by = $18, reject_reason = $19, paused_until = $20,
			cancelled_at = $21, cancelled_from = $22, cancelled_next_run_at = $23, updated_at = now()
		WHERE id = $1 RETURNING `+draftCols,
		b.ID, b.Name, string(b.Content), string(b.Audience), b.AgencyID,
		b.Status, b.SendAt, b.RepeatMonth, b.RepeatDay, b.RepeatHour, b.RepeatMin,
		b.Timezone, b.NextRunAt, b.SubmittedAt, b.ApprovedBy, b.ApprovedAt,
		orDefault(b.ChangedByKind, ActorSystem), b.ChangedBy, b.RejectReason, b.PausedUntil,
		b.CancelledAt, b.CancelledFrom, b.CancelledNextRunAt)
	if err != nil {
		return out, fmt.Errorf("save broadcast %d: %w", b.ID, translate(err))
	}
	return out, nil
}

// RunsOf lists a broadcast's runs, newest first, inside the transaction.
func (t *WorkflowTx) RunsOf(ctx context.Context, broadcastID int64) ([]Run, error) {
	var out []Run
	if err := t.tx.SelectContext(ctx, &out, `SELECT `+runCols+` FROM runs WHERE broadcast_id = $1 ORDER BY id DESC`, broadcastID); err != nil {
		return nil, fmt.Errorf("runs of broadcast %d: %w", broadcastID, translate(err))
	}
	return out, nil
}

// Audit appends an audit entry in the transaction.
func (t *WorkflowTx) Audit(ctx context.Context, actor Actor, action, objType string, objID any, before, after any) error {
	return audit(ctx, t.tx, actor, action, objType, objID, before, after)
}

// CountRecentAudits counts actor's audit rows of action in the last window
// (by the database's clock, which writes audit_log.at), after
// locking that pair until the end of the transaction: two requests by one
// person count one after the other, so a limit on them holds across
// processes.
func (t *WorkflowTx) CountRecentAudits(ctx context.Context, actor Actor, action string, window time.Duration) (int, error) {
	key := actorKind(actor) + ":" + fmt.Sprint(actor.StaffID) + ":" + action
	if _, err := t.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key); err != nil {
		return 0, fmt.Errorf("lock %s: %w", action, translate(err))
	}
	var n int
	err := t.tx.GetContext(ctx, &n, `SELECT count(*) FROM audit_log
		WHERE action = $1 AND actor_kind = $2 AND staff_id IS NOT DISTINCT FROM $3
		AND at > now() - make_interval(secs => $4)`,
		action, actorKind(actor), nullID(actor.StaffID), window.Seconds())
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", action, translate(err))
	}
	return n, nil
}

// actorKind is the kind stored for an actor (system when unset).
func actorKind(a Actor) string { return orDefault(a.Kind, ActorSystem) }
