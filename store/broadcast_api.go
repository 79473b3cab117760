package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/messages"
)

// What the staff API needs on top of the broadcast engine's store functions
// (broadcasts.go, runs.go): drafts with their author, the approval
// workflow, and counting an audience without freezing it.

// Broadcast statuses, as the broadcasts.status CHECK allows them. Package
// broadcast owns the transitions between them.
const (
	BroadcastDraftStatus = "draft"
	BroadcastSubmitted   = "submitted"
	BroadcastApproved    = "approved"
	BroadcastCancelled   = "cancelled"
	BroadcastFinished    = "finished"
)

// BroadcastDraft is a broadcast with its workflow columns.
type BroadcastDraft struct {
	Broadcast
	AgencyID    *int64     `db:"agency_id" json:"agency_id,omitempty"`
	CreatedBy   *int64     `db:"created_by" json:"created_by,omitempty"`
	SubmittedAt *time.Time `db:"submitted_at" json:"submitted_at,omitempty"`
	ApprovedBy  *int64     `db:"approved_by" json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `db:"approved_at" json:"approved_at,omitempty"`
	// ChangedByKind and ChangedBy: who last changed the content, the
	// audience or the schedule (an actor kind, and the staff id for staff).
	ChangedByKind string `db:"changed_by_kind" json:"changed_by_kind"`
	ChangedBy     *int64 `db:"changed_by" json:"changed_by,omitempty"`
	RejectReason  string `db:"reject_reason" json:"reject_reason,omitempty"`
	// PausedUntil: a yearly campaign paused for the year sends nothing before it.
	PausedUntil *time.Time `db:"paused_until" json:"paused_until,omitempty"`
	// A cancelled broadcast remembers what it was, so that a yearly
	// campaign's cancel can be undone before its next occurrence.
	CancelledAt        *time.Time `db:"cancelled_at" json:"cancelled_at,omitempty"`
	CancelledFrom      *string    `db:"cancelled_from" json:"cancelled_from,omitempty"`
	CancelledNextRunAt *time.Time `db:"cancelled_next_run_at" json:"cancelled_next_run_at,omitempty"`
}

// LastChanger is the actor who last changed the content, the audience or the schedule.
func (b BroadcastDraft) LastChanger() Actor {
	a := Actor{Kind: b.ChangedByKind}
	if b.ChangedBy != nil {
		a.StaffID = *b.ChangedBy
	}
	return a
}

const draftCols = broadcastCols + `, agency_id, created_by, submitted_at, approved_by, approved_at,
	changed_by_kind, changed_by, reject_reason, paused_until, cancelled_at, cancelled_from, cancelled_next_run_at`

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

// SetDraft puts what staff wrote into b (content, audience, schedule,
// agency); the caller saves it with WorkflowTx.SaveBroadcast.
func (b *BroadcastDraft) SetDraft(in DraftInput) error {
	content, err := json.Marshal(in.Content)
	if err != nil {
		return err
	}
	aud, err := json.Marshal(in.Audience)
	if err != nil {
		return err
	}
	b.Name, b.Content, b.Audience, b.AgencyID = in.Name, content, aud, in.AgencyID
	b.SendAt, b.Timezone = in.Schedule.At, orDefault(in.Schedule.Timezone, messages.DefaultTimezone)
	b.RepeatMonth, b.RepeatDay, b.RepeatHour, b.RepeatMin = nil, nil, nil, nil
	if y := in.Schedule.Yearly; y != nil {
		m, d, h, mi := y.Month, y.Day, y.Hour, y.Minute
		b.RepeatMonth, b.RepeatDay, b.RepeatHour, b.RepeatMin = &m, &d, &h, &mi
	}
	return nil
}

// CreateDraftTx creates a draft inside tx. Package broadcast calls it
// through WorkflowTx.InsertBroadcast; a draft needs the workflow's approval
// before it can be scheduled, so writing one directly bypasses nothing.
func (s *Store) CreateDraftTx(ctx context.Context, tx *sqlx.Tx, actor Actor, in DraftInput) (BroadcastDraft, error) {
	return createDraft(ctx, tx, actor, in)
}

func createDraft(ctx context.Context, tx *sqlx.Tx, actor Actor, in DraftInput) (BroadcastDraft, error) {
	var b BroadcastDraft
	cols, err := in.columns()
	if err != nil {
		return b, err
	}
	err = tx.GetContext(ctx, &b, `INSERT INTO broadcasts (name, content, audience, send_at,
			repeat_month, repeat_day, repeat_hour, repeat_min, timezone, agency_id, created_by, changed_by, changed_by_kind)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING `+draftCols,
		append(cols, nullID(actor.StaffID), actorKind(actor))...)
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
