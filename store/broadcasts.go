package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/loa-vn/loa/messages"
)

// Broadcast is a campaign: content, audience and when it goes out.
type Broadcast struct {
	ID          int64           `db:"id" json:"id"`
	Name        string          `db:"name" json:"name"`
	Content     json.RawMessage `db:"content" json:"content"`
	Audience    json.RawMessage `db:"audience" json:"audience"`
	Status      string          `db:"status" json:"status"`
	SendAt      *time.Time      `db:"send_at" json:"send_at,omitempty"`
	RepeatMonth *int            `db:"repeat_month" json:"repeat_month,omitempty"`
	RepeatDay   *int            `db:"repeat_day" json:"repeat_day,omitempty"`
	RepeatHour  *int            `db:"repeat_hour" json:"repeat_hour,omitempty"`
	RepeatMin   *int            `db:"repeat_min" json:"repeat_min,omitempty"`
	Timezone    string          `db:"timezone" json:"timezone"`
	NextRunAt   *time.Time      `db:"next_run_at" json:"next_run_at,omitempty"`
	CreatedAt   time.Time       `db:"created_at" json:"created_at"`
	UpdatedAt   time.Time       `db:"updated_at" json:"updated_at"`
}

const broadcastCols = `id, name, content, audience, status, send_at, repeat_month, repeat_day,
	repeat_hour, repeat_min, timezone, next_run_at, created_at, updated_at`

// Schedule is the broadcast's timing as the messages package reads it.
func (b Broadcast) Schedule() messages.Schedule {
	s := messages.Schedule{At: b.SendAt, Timezone: b.Timezone}
	if b.RepeatMonth != nil && b.RepeatDay != nil && b.RepeatHour != nil && b.RepeatMin != nil {
		s.Yearly = &messages.Yearly{Month: *b.RepeatMonth, Day: *b.RepeatDay, Hour: *b.RepeatHour, Minute: *b.RepeatMin}
	}
	return s
}

// SystemActor is Loa itself (seeding, the scheduler). Actor and audit live in audit.go.
var SystemActor = Actor{Kind: ActorSystem}

// NewBroadcast is what creating a broadcast needs. With Approved the
// broadcast is approved at once (the CLI operator is the approver until the
// staff API exists) and NextRunAt becomes due.
type NewBroadcast struct {
	Spec      messages.CampaignSpec
	Approved  bool
	NextRunAt *time.Time
}

// CreateBroadcast stores a campaign and audits it.
func (s *Store) CreateBroadcast(ctx context.Context, nb NewBroadcast, actor Actor) (Broadcast, error) {
	content, err := json.Marshal(nb.Spec.Content)
	if err != nil {
		return Broadcast{}, err
	}
	aud, err := json.Marshal(nb.Spec.Audience)
	if err != nil {
		return Broadcast{}, err
	}
	status, approvedAt, next := "draft", (*time.Time)(nil), (*time.Time)(nil)
	if nb.Approved {
		now := s.Now()
		status, approvedAt, next = "approved", &now, nb.NextRunAt
	}
	var y messages.Yearly
	var yp []any = []any{nil, nil, nil, nil}
	if nb.Spec.Schedule.Yearly != nil {
		y = *nb.Spec.Schedule.Yearly
		yp = []any{y.Month, y.Day, y.Hour, y.Minute}
	}
	var b Broadcast
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &b, `INSERT INTO broadcasts (name, content, audience, status, send_at,
			repeat_month, repeat_day, repeat_hour, repeat_min, timezone, next_run_at, approved_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+broadcastCols,
			nb.Spec.Name, string(content), string(aud), status, nb.Spec.Schedule.At, yp[0], yp[1], yp[2], yp[3],
			orDefault(nb.Spec.Schedule.Timezone, messages.DefaultTimezone), next, approvedAt)
		if err != nil {
			return fmt.Errorf("create broadcast: %w", translate(err))
		}
		return audit(ctx, tx, actor, "broadcast.create", "broadcast", b.ID, nil, b)
	})
	return b, err
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Broadcasts lists every broadcast, newest first.
func (s *Store) Broadcasts(ctx context.Context) ([]Broadcast, error) {
	var out []Broadcast
	err := s.db.SelectContext(ctx, &out, `SELECT `+broadcastCols+` FROM broadcasts ORDER BY id DESC`)
	return out, translate(err)
}

// BroadcastByID returns one broadcast or ErrNotFound.
func (s *Store) BroadcastByID(ctx context.Context, id int64) (Broadcast, error) {
	var b Broadcast
	err := s.db.GetContext(ctx, &b, `SELECT `+broadcastCols+` FROM broadcasts WHERE id = $1`, id)
	return b, translate(err)
}

// BroadcastByName returns the newest broadcast with that name or ErrNotFound.
func (s *Store) BroadcastByName(ctx context.Context, name string) (Broadcast, error) {
	var b Broadcast
	err := s.db.GetContext(ctx, &b, `SELECT `+broadcastCols+` FROM broadcasts WHERE name = $1 ORDER BY id DESC LIMIT 1`, name)
	return b, translate(err)
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
		return tx.GetContext(ctx, b, `UPDATE broadcasts SET status = 'cancelled', next_run_at = NULL, updated_at = now()
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
