package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/messages"
)

// What the staff API needs on top of the broadcast engine's store functions
// (broadcasts.go, runs.go): drafts with their author, the approval
// workflow, and counting an audience without freezing it.

// Broadcast workflow statuses.
const (
	BroadcastDraftStatus = "draft"
	BroadcastSubmitted   = "submitted"
	BroadcastApproved    = "approved"
	BroadcastCancelled   = "cancelled"
	BroadcastFinished    = "finished"
)

// ErrSameApprover: under the two-person rule the author may not approve.
var ErrSameApprover = errors.New("the two-person rule forbids approving your own broadcast")

// ErrWrongStatus: the workflow step does not apply in the broadcast's status.
var ErrWrongStatus = fmt.Errorf("%w: not possible in the broadcast's current status", ErrConflict)

// BroadcastDraft is a broadcast with its workflow columns.
type BroadcastDraft struct {
	Broadcast
	AgencyID    *int64     `db:"agency_id" json:"agency_id,omitempty"`
	CreatedBy   *int64     `db:"created_by" json:"created_by,omitempty"`
	SubmittedAt *time.Time `db:"submitted_at" json:"submitted_at,omitempty"`
	ApprovedBy  *int64     `db:"approved_by" json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `db:"approved_at" json:"approved_at,omitempty"`
}

const draftCols = broadcastCols + `, agency_id, created_by, submitted_at, approved_by, approved_at`

// DraftInput is a broadcast as staff write it. AgencyID is set for an
// agency manager's broadcast: it may reach only that agency's members.
type DraftInput struct {
	Name     string
	Content  messages.Content
	Audience messages.Audience
	Schedule messages.Schedule
	AgencyID *int64
}

func (in DraftInput) columns() ([]any, error) {
	content, err := json.Marshal(in.Content)
	if err != nil {
		return nil, err
	}
	aud, err := json.Marshal(in.Audience)
	if err != nil {
		return nil, err
	}
	yp := []any{nil, nil, nil, nil}
	if y := in.Schedule.Yearly; y != nil {
		yp = []any{y.Month, y.Day, y.Hour, y.Minute}
	}
	return []any{in.Name, string(content), string(aud), in.Schedule.At, yp[0], yp[1], yp[2], yp[3],
		orDefault(in.Schedule.Timezone, messages.DefaultTimezone), in.AgencyID}, nil
}

// CreateDraftTx creates a draft inside tx (the idempotency transaction).
func (s *Store) CreateDraftTx(ctx context.Context, tx *sqlx.Tx, actor Actor, in DraftInput) (BroadcastDraft, error) {
	var b BroadcastDraft
	cols, err := in.columns()
	if err != nil {
		return b, err
	}
	err = tx.GetContext(ctx, &b, `INSERT INTO broadcasts (name, content, audience, send_at,
			repeat_month, repeat_day, repeat_hour, repeat_min, timezone, agency_id, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+draftCols,
		append(cols, nullID(actor.StaffID))...)
	if err != nil {
		return b, fmt.Errorf("create draft: %w", translate(err))
	}
	return b, audit(ctx, tx, actor, "broadcast.create", "broadcast", b.ID, nil, b)
}

// CreateDraft creates a draft in its own transaction.
func (s *Store) CreateDraft(ctx context.Context, actor Actor, in DraftInput) (BroadcastDraft, error) {
	var b BroadcastDraft
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		b, err = s.CreateDraftTx(ctx, tx, actor, in)
		return err
	})
	return b, err
}

// DraftByID returns a broadcast with its workflow columns.
func (s *Store) DraftByID(ctx context.Context, id int64) (BroadcastDraft, error) {
	var b BroadcastDraft
	if err := s.db.GetContext(ctx, &b, `SELECT `+draftCols+` FROM broadcasts WHERE id = $1`, id); err != nil {
		return b, fmt.Errorf("broadcast %d: %w", id, translate(err))
	}
	return b, nil
}

// DraftFilter narrows a listing. AgencyIDs, when set, keeps broadcasts
// written for those agencies (an agency manager's view).
type DraftFilter struct {
	Status    string
	AgencyIDs []int64
	Limit     int
}

// ListDrafts lists broadcasts newest first.
func (s *Store) ListDrafts(ctx context.Context, f DraftFilter) ([]BroadcastDraft, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	out := []BroadcastDraft{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+draftCols+` FROM broadcasts
		WHERE ($1 = '' OR status = $1) AND ($2::bigint[] IS NULL OR agency_id = ANY($2))
		ORDER BY id DESC LIMIT $3`, f.Status, nullableIDs(f.AgencyIDs), f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list broadcasts: %w", translate(err))
	}
	return out, nil
}

func nullableIDs(ids []int64) any {
	if ids == nil {
		return nil
	}
	return pq.Array(ids)
}

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

// AgencyIDsByCode resolves agency codes; unknown codes are left out.
func (s *Store) AgencyIDsByCode(ctx context.Context, codes []string) (map[string]int64, error) {
	var rows []struct {
		Code string `db:"code"`
		ID   int64  `db:"id"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT code, id FROM agencies WHERE code = ANY($1)`, pq.Array(codes)); err != nil {
		return nil, fmt.Errorf("agency ids: %w", translate(err))
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

// AuditOnly records an action that changes no row (a test send).
func (s *Store) AuditOnly(ctx context.Context, actor Actor, action, objType string, objID any, after any) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return audit(ctx, tx, actor, action, objType, objID, nil, after) })
}

// LatestRun returns a broadcast's newest run, or ErrNotFound when it has none.
func (s *Store) LatestRun(ctx context.Context, broadcastID int64) (Run, error) {
	runs, err := s.RunsOf(ctx, broadcastID)
	if err != nil {
		return Run{}, err
	}
	if len(runs) == 0 {
		return Run{}, fmt.Errorf("broadcast %d has no run yet: %w", broadcastID, ErrNotFound)
	}
	return runs[0], nil
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
