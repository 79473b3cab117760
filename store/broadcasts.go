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
// broadcast is approved at once and NextRunAt becomes due: only tests and
// the benchmark harness do that. Every broadcast staff or the operator write
// goes through package broadcast, whose approval holds the two-person rule.
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
			repeat_month, repeat_day, repeat_hour, repeat_min, timezone, next_run_at, approved_at, changed_by_kind, changed_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING `+broadcastCols,
			nb.Spec.Name, string(content), string(aud), status, nb.Spec.Schedule.At, yp[0], yp[1], yp[2], yp[3],
			orDefault(nb.Spec.Schedule.Timezone, messages.DefaultTimezone), next, approvedAt, actorKind(actor), nullID(actor.StaffID))
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
