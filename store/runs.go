package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/jmoiron/sqlx"
)

// Run statuses.
const (
	RunPlanning  = "planning"
	RunSending   = "sending"
	RunPaused    = "paused"
	RunCancelled = "cancelled"
	RunDone      = "done"
)

// Run is one send of a broadcast.
type Run struct {
	ID          int64           `db:"id" json:"id"`
	BroadcastID int64           `db:"broadcast_id" json:"broadcast_id"`
	Occurrence  time.Time       `db:"occurrence" json:"occurrence"`
	Status      string          `db:"status" json:"status"`
	Content     json.RawMessage `db:"content" json:"-"`
	Audience    json.RawMessage `db:"audience" json:"audience"`
	Total       int             `db:"total" json:"total"`
	Batches     int             `db:"batches" json:"batches"`
	CreatedAt   time.Time       `db:"created_at" json:"created_at"`
	StartedAt   *time.Time      `db:"started_at" json:"started_at,omitempty"`
	FinishedAt  *time.Time      `db:"finished_at" json:"finished_at,omitempty"`
}

const runCols = `id, broadcast_id, occurrence, status, content, audience, total, batches, created_at, started_at, finished_at`

// NextOccurrence says when a broadcast is due after occurrence; nil ends it.
type NextOccurrence func(b Broadcast, occurrence time.Time) *time.Time

// StartDueRuns starts every broadcast due at now, in one transaction: lock
// the due rows (SKIP LOCKED, so a second scheduler takes others or none),
// insert a run per occurrence (the unique (broadcast, occurrence) makes a
// second start a no-op), advance next_run_at. It returns the new run ids,
// which the caller then enqueues: a crash before that leaves them in
// 'planning', which PlanningRuns finds again.
func (s *Store) StartDueRuns(ctx context.Context, now time.Time, next NextOccurrence) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var due []Broadcast
		if err := tx.SelectContext(ctx, &due, `SELECT `+broadcastCols+` FROM broadcasts
			WHERE next_run_at <= $1 ORDER BY next_run_at FOR UPDATE SKIP LOCKED`, now); err != nil {
			return fmt.Errorf("due broadcasts: %w", translate(err))
		}
		for _, b := range due {
			id, err := startRun(ctx, tx, b, *b.NextRunAt, next(b, *b.NextRunAt))
			if err != nil {
				return err
			}
			if id != 0 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	return ids, err
}

func startRun(ctx context.Context, tx *sqlx.Tx, b Broadcast, occ time.Time, next *time.Time) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO runs (broadcast_id, occurrence, content, audience)
		VALUES ($1, $2, $3, $4) ON CONFLICT (broadcast_id, occurrence) DO NOTHING RETURNING id`,
		b.ID, occ, string(b.Content), string(b.Audience))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("start run of broadcast %d: %w", b.ID, translate(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE broadcasts SET next_run_at = $2, updated_at = now() WHERE id = $1`, b.ID, next); err != nil {
		return 0, fmt.Errorf("advance broadcast %d: %w", b.ID, translate(err))
	}
	if id != 0 {
		if err := audit(ctx, tx, SystemActor, "run.start", "run", id, nil, map[string]any{"broadcast_id": b.ID, "occurrence": occ}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// CreateRun starts a run of a broadcast for an explicit occurrence (tests,
// and "send now"); it returns ErrConflict if that occurrence already ran.
func (s *Store) CreateRun(ctx context.Context, broadcastID int64, occurrence time.Time, actor Actor) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &id, `INSERT INTO runs (broadcast_id, occurrence, content, audience)
			SELECT id, $2, content, audience FROM broadcasts WHERE id = $1 RETURNING id`, broadcastID, occurrence)
		if err != nil {
			return fmt.Errorf("create run: %w", translate(err))
		}
		return audit(ctx, tx, actor, "run.start", "run", id, nil, map[string]any{"broadcast_id": broadcastID, "occurrence": occurrence})
	})
	return id, err
}

// RunByID returns one run or ErrNotFound.
func (s *Store) RunByID(ctx context.Context, id int64) (Run, error) {
	var r Run
	err := s.db.GetContext(ctx, &r, `SELECT `+runCols+` FROM runs WHERE id = $1`, id)
	if err != nil {
		return r, fmt.Errorf("run %d: %w", id, translate(err))
	}
	return r, nil
}

// RunStatus is the cheap read senders poll between messages.
func (s *Store) RunStatus(ctx context.Context, id int64) (string, error) {
	var st string
	err := s.db.GetContext(ctx, &st, `SELECT status FROM runs WHERE id = $1`, id)
	if err != nil {
		return "", fmt.Errorf("run %d: %w", id, translate(err))
	}
	return st, nil
}

// RunsOf lists a broadcast's runs, newest first.
func (s *Store) RunsOf(ctx context.Context, broadcastID int64) ([]Run, error) {
	var out []Run
	err := s.db.SelectContext(ctx, &out, `SELECT `+runCols+` FROM runs WHERE broadcast_id = $1 ORDER BY id DESC`, broadcastID)
	return out, translate(err)
}

// RunsIn lists the runs in the given statuses (the sweeper's work list).
func (s *Store) RunsIn(ctx context.Context, statuses ...string) ([]Run, error) {
	var out []Run
	err := s.db.SelectContext(ctx, &out, `SELECT `+runCols+` FROM runs WHERE status = ANY($1) ORDER BY id`, stringArray(statuses))
	return out, translate(err)
}

// PauseRun stops a sending run; its pending rows wait for ResumeRun.
func (s *Store) PauseRun(ctx context.Context, id int64, actor Actor) (Run, error) {
	return s.changeRun(ctx, id, actor, "run.pause", []string{RunSending, RunPlanning}, `status = 'paused'`)
}

// ResumeRun lets a paused run send again.
func (s *Store) ResumeRun(ctx context.Context, id int64, actor Actor) (Run, error) {
	return s.changeRun(ctx, id, actor, "run.resume", []string{RunPaused}, `status = CASE WHEN started_at IS NULL THEN 'planning' ELSE 'sending' END`)
}

// CancelRun ends a run: what no claim holds is skipped at once; rows in
// flight are recorded by their senders (or become unknown).
func (s *Store) CancelRun(ctx context.Context, id int64, actor Actor) (Run, error) {
	r, _, err := s.CancelRunCounted(ctx, id, actor)
	return r, err
}

// CancelRunCounted is CancelRun that also says how many rows it skipped,
// for the counters (they follow what is recorded).
func (s *Store) CancelRunCounted(ctx context.Context, id int64, actor Actor) (Run, int, error) {
	r, err := s.changeRun(ctx, id, actor, "run.cancel", []string{RunPlanning, RunSending, RunPaused},
		`status = 'cancelled', finished_at = now()`)
	if err != nil {
		return r, 0, err
	}
	// rows a live claim holds are its sender's to record (sent, or skipped
	// when it hears the cancel); the run's status is committed, so every
	// claim is either seen here or claims nothing (claimSQL)
	n, err := s.SkipUnclaimed(ctx, id)
	return r, n, err
}

// SkipUnclaimed skips ('cancelled') the pending rows of a cancelled run
// that no live claim holds: at the cancel, and from the sweeper for rows a
// claim gave back after it (a transient failure, a shutdown, a lease
// lost), which no sender would take again. It reads no row unless the
// run's counters hold pending ones.
func (s *Store) SkipUnclaimed(ctx context.Context, id int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE deliveries d SET status = 'skipped', reason = 'cancelled', updated_at = now()
		WHERE d.run_id = $1 AND d.status = 'pending' AND `+anyCounted("pending")+` AND NOT EXISTS (SELECT 1 FROM claims k
			WHERE k.run_id = $1 AND k.batch = d.batch AND d.subscriber_id BETWEEN k.lo AND k.hi)`, id)
	if err != nil {
		return 0, fmt.Errorf("skip unclaimed rows of run %d: %w", id, translate(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// changeRun applies a status change allowed only from the given statuses.
func (s *Store) changeRun(ctx context.Context, id int64, actor Actor, action string, from []string, set string) (Run, error) {
	var after Run
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before Run
		if err := tx.GetContext(ctx, &before, `SELECT `+runCols+` FROM runs WHERE id = $1 FOR UPDATE`, id); err != nil {
			return fmt.Errorf("run %d: %w", id, translate(err))
		}
		if !contains(from, before.Status) {
			return fmt.Errorf("%w: run %d is %s", ErrConflict, id, before.Status)
		}
		if err := tx.GetContext(ctx, &after, `UPDATE runs SET `+set+` WHERE id = $1 RETURNING `+runCols, id); err != nil {
			return fmt.Errorf("%s: %w", action, translate(err))
		}
		return audit(ctx, tx, actor, action, "run", id, map[string]any{"status": before.Status}, map[string]any{"status": after.Status})
	})
	return after, err
}

// FinishRunIfComplete marks a sending run done once no row is pending or in
// flight. The conditional update makes it happen exactly once; it returns
// how long the run took when this call was the one that finished it. It
// reads the run's counters (kept in the statements that change the rows),
// not the rows: no index finds open rows any more (migration 00012).
func (s *Store) FinishRunIfComplete(ctx context.Context, id int64) (time.Duration, bool, error) {
	var secs float64
	// A one-off broadcast whose run is done has nothing left to do: it is
	// finished too, in the same statement, with a system audit row.
	err := s.db.GetContext(ctx, &secs, `WITH done AS (
			UPDATE runs SET status = 'done', finished_at = now()
			WHERE id = $1 AND status = 'sending'
			  AND NOT EXISTS (SELECT 1 FROM run_counts WHERE run_id = $1 AND status IN ('pending', 'sending')
			                  GROUP BY status HAVING sum(n) <> 0)
			RETURNING broadcast_id, extract(epoch FROM finished_at - coalesce(started_at, created_at))::float8 AS secs),
		fin AS (
			UPDATE broadcasts b SET status = 'finished', updated_at = now() FROM done
			WHERE b.id = done.broadcast_id AND b.status = 'approved' AND b.repeat_month IS NULL
			  AND b.next_run_at IS NULL
			  AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.broadcast_id = b.id AND r.id <> $1
			                  AND r.status IN ('planning', 'sending', 'paused'))
			RETURNING b.id),
		logged AS (
			INSERT INTO audit_log (actor_kind, action, object_type, object_id, after)
			SELECT 'system', 'broadcast.finish', 'broadcast', fin.id::text, '{"status": "finished"}' FROM fin)
		SELECT secs FROM done`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("finish run %d: %w", id, translate(err))
	}
	return time.Duration(secs * float64(time.Second)), true, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// CreateScratchDatabase creates an empty, migrated database next to the one
// dsn names (for `loa bench broadcast`) and returns its DSN and a dropper.
func CreateScratchDatabase(ctx context.Context, dsn, name string) (string, func() error, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if !scratchName.MatchString(name) {
		return "", nil, fmt.Errorf("%w: scratch database name %q", ErrInvalid, name)
	}
	admin, err := Open(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create %s: %w", name, err)
	}
	drop := func() error {
		defer admin.Close()
		_, err := admin.db.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		return err
	}
	u.Path = "/" + name
	scratch := u.String()
	st, err := Open(ctx, scratch)
	if err == nil {
		var m *Migrator
		if m, err = st.NewMigrator(Migrations()); err == nil {
			_, err = m.Up(ctx)
		}
		st.Close()
	}
	if err != nil {
		drop()
		return "", nil, fmt.Errorf("migrate %s: %w", name, err)
	}
	return scratch, drop, nil
}

var scratchName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// RunDurations lists how long the runs finished within the window took, in seconds.
func (s *Store) RunDurations(ctx context.Context, window time.Duration) ([]float64, error) {
	var out []float64
	err := s.db.SelectContext(ctx, &out, `SELECT extract(epoch FROM finished_at - coalesce(started_at, created_at))::float8
		FROM runs WHERE status = 'done' AND finished_at > now() - make_interval(secs => $1)`, window.Seconds())
	return out, translate(err)
}
