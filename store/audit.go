package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Actor kinds, as the audit_log CHECK allows them.
const (
	ActorStaff  = "staff"
	ActorCLI    = "cli"
	ActorSystem = "system"
)

// Actor is who performs a change: a staff member (through the API or the bot),
// the operator at the console, or Loa itself. RequestID ties the audit row to
// the request's log lines.
type Actor struct {
	Kind      string
	StaffID   int64
	RequestID string
}

// StaffActor is a staff member acting through the API or the bot.
func StaffActor(staffID int64, requestID string) Actor {
	return Actor{Kind: ActorStaff, StaffID: staffID, RequestID: requestID}
}

// CLIActor is the operator at the console.
var CLIActor = Actor{Kind: ActorCLI}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID         int64           `db:"id" json:"id"`
	At         time.Time       `db:"at" json:"at"`
	StaffID    *int64          `db:"staff_id" json:"staff_id"`
	ActorKind  string          `db:"actor_kind" json:"actor_kind"`
	Action     string          `db:"action" json:"action"`
	ObjectType string          `db:"object_type" json:"object_type"`
	ObjectID   string          `db:"object_id" json:"object_id"`
	Before     json.RawMessage `db:"before" json:"before"`
	After      json.RawMessage `db:"after" json:"after"`
	RequestID  string          `db:"request_id" json:"request_id"`
}

// audit appends one entry inside the caller's transaction, so the change and
// its record commit or roll back together. before/after are marshalled to
// JSON; nil stays SQL NULL.
func audit(ctx context.Context, tx *sqlx.Tx, a Actor, action, objType string, objID any, before, after any) error {
	b, err := jsonOrNull(before)
	if err != nil {
		return err
	}
	af, err := jsonOrNull(after)
	if err != nil {
		return err
	}
	kind := a.Kind
	if kind == "" {
		kind = ActorSystem
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log
		(staff_id, actor_kind, action, object_type, object_id, before, after, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		nullID(a.StaffID), kind, action, objType, fmt.Sprint(objID), b, af, a.RequestID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, translate(err))
	}
	return nil
}

func jsonOrNull(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit json: %w", err)
	}
	return string(b), nil
}

// AuditFilter narrows the audit log listing.
type AuditFilter struct {
	Action     string // exact action, or prefix ending in '.' ("broadcast.")
	ObjectType string
	ObjectID   string
	StaffID    int64     // who: one staff member's entries (0: everyone)
	From, To   time.Time // when: at >= From and at < To (zero: open)
	BeforeID   int64     // keyset pagination: entries with id < BeforeID
	Limit      int
}

// ListAudit returns audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	out := []AuditEntry{}
	err := s.db.SelectContext(ctx, &out, `SELECT id, at, staff_id, actor_kind, action, object_type, object_id,
			coalesce(before, 'null') AS before, coalesce(after, 'null') AS after, request_id
		FROM audit_log
		WHERE ($1 = '' OR action = $1 OR (right($1, 1) = '.' AND starts_with(action, $1)))
		  AND ($2 = '' OR object_type = $2) AND ($3 = '' OR object_id = $3)
		  AND ($4 = 0 OR id < $4) AND ($6 = 0 OR staff_id = $6)
		  AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)
		ORDER BY id DESC LIMIT $5`, f.Action, f.ObjectType, f.ObjectID, f.BeforeID, f.Limit, f.StaffID, nullTime(f.From), nullTime(f.To))
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", translate(err))
	}
	return out, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
