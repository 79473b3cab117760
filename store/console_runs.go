package store

import (
	"context"
	"fmt"
	"time"
)

// What the staff console's broadcast pages read on top of the workflow's
// store functions: keyset pages of broadcasts, a run's deliveries per
// minute for its chart, and a broadcast's own audit rows.

// DraftPage is a keyset page of broadcasts, newest first. AgencyIDs, when
// set, keeps broadcasts written for those agencies (an agency manager's view).
type DraftPage struct {
	Status    string
	AgencyIDs []int64
	BeforeID  int64 // 0: the first page
	Limit     int
}

// ListDraftsPage lists broadcasts with id < BeforeID, newest first, by the
// primary key: the same cost at any depth.
func (s *Store) ListDraftsPage(ctx context.Context, f DraftPage) ([]BroadcastDraft, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	out := []BroadcastDraft{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+draftCols+` FROM broadcasts
		WHERE ($1 = '' OR status = $1) AND ($2::bigint[] IS NULL OR agency_id = ANY($2))
		  AND ($3::bigint = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`, f.Status, nullableIDs(f.AgencyIDs), f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list broadcasts: %w", translate(err))
	}
	return out, nil
}

// MinuteCount is how many deliveries of a run reached a final state in one
// minute (At is the minute's start).
type MinuteCount struct {
	At time.Time `db:"minute"`
	N  int       `db:"n"`
}

// RunMinutes counts a run's deliveries that reached a final state (sent,
// failed, blocked, skipped, unknown) per minute in [from, to), in time order;
// minutes with none are absent. The window keeps it cheap on a
// million-recipient run: the console charts the last hour. It reads the
// per-minute counters the deliveries triggers keep (migration 00010), so
// whole minutes: the minute holding from counts whole.
func (s *Store) RunMinutes(ctx context.Context, runID int64, from, to time.Time) ([]MinuteCount, error) {
	out := []MinuteCount{}
	err := s.db.SelectContext(ctx, &out, `SELECT minute, sum(n) AS n FROM run_minutes
		WHERE run_id = $1 AND minute >= date_trunc('minute', $2::timestamptz) AND minute < $3
		GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1`, runID, from, to)
	if err != nil {
		return nil, fmt.Errorf("run %d per minute: %w", runID, translate(err))
	}
	return out, nil
}

// BroadcastAudit lists a broadcast's audit rows for action (exact, or a
// prefix ending in '.'), newest first, at most limit.
func (s *Store) BroadcastAudit(ctx context.Context, broadcastID int64, action string, limit int) ([]AuditEntry, error) {
	return s.ListAudit(ctx, AuditFilter{Action: action, ObjectType: "broadcast", ObjectID: fmt.Sprint(broadcastID), Limit: limit})
}
