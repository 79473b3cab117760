package store

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
	DeliveryBlocked = "blocked"
	DeliverySkipped = "skipped"
	DeliveryUnknown = "unknown"
)

// Claimed is a delivery a sender now owns, with what it needs to send.
// Status is the subscriber's status now (it may have unsubscribed since the
// freeze), "gone" if the subscriber was deleted. To is where the channel
// sends: the chat id as text where the channel keeps one apart from the
// resident's id (Telegram: it changes when a group migrates), else the
// external id; "" if the subscriber is gone.
type Claimed struct {
	SubscriberID int64  `db:"subscriber_id"`
	Channel      string `db:"channel"`
	To           string `db:"address"`
	Locale       string `db:"locale"`
	FirstName    string `db:"first_name"`
	Status       string `db:"status"`
	Attempts     int    `db:"attempts"`
}

// claimedCols are what a claim reads from the subscriber row.
const claimedCols = `coalesce(s.chat_id::text, s.external_id, '') AS address,
			coalesce(s.locale, 'vi') AS locale, coalesce(s.first_name, '') AS first_name, coalesce(s.status, 'gone') AS status`

// Claim is a lease on some pending rows of one batch, held by one sender:
// the rows of the batch from subscriber id lo to hi, which stay 'pending'
// until recorded (migration 00014). Its journal (jobs/journal.go, in
// Redis, under the token the claim row keeps) says how far the sender got;
// if the lease runs out (ExpireClaims) the rows up to the journal are
// unknown outcomes and the rest stay pending, never sent.
type Claim struct {
	ID   int64
	Rows []Claimed // in subscriber id order: the order they are sent in
}

// Journal names a claim's journal: its token, and the run_id of the Redis
// server it was opened on (Epoch).
type Journal struct {
	Token int64  `db:"journal"`
	Epoch string `db:"journal_epoch"`
}

// ClaimDeliveries claims up to limit pending rows of a batch that no live
// claim holds, under a new claim leased until leaseUntil whose journal is
// j, and returns them joined with their subscriber. It writes one claims
// row, not the rows it claims: a row written at claim and again at record
// was half of PostgreSQL's cost per message. The claims of a batch take an
// advisory lock on it, in a transaction of their own, so that each reads
// the live claims after the one before it committed: two claims never
// hold the same row. The rows taken are the first free ones in subscriber
// order up to the next live claim, so a claim is one range. An empty
// claim (no free rows) has ID 0 and leaves nothing behind.
func (s *Store) ClaimDeliveries(ctx context.Context, runID int64, batch, limit int, leaseUntil time.Time, j Journal) (Claim, error) {
	var rows []struct {
		Claimed
		Claim int64 `db:"claim"`
	}
	st, err := s.prepared(ctx, claimSQL)
	if err == nil {
		err = s.inTx(ctx, func(tx *sqlx.Tx) error {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, claimLockClass, batchLockKey(runID, batch)); err != nil {
				return err
			}
			return tx.StmtxContext(ctx, st).SelectContext(ctx, &rows, runID, batch, limit, leaseUntil, j.Token, j.Epoch)
		})
	}
	if err != nil {
		return Claim{}, fmt.Errorf("claim run %d batch %d: %w", runID, batch, translate(err))
	}
	c := Claim{Rows: make([]Claimed, len(rows))}
	for i, r := range rows {
		c.ID, c.Rows[i] = r.Claim, r.Claimed
	}
	return c, nil
}

// claimLockClass is the first key of the claims' advisory locks (two int4
// keys; no other lock of Loa uses this class).
const claimLockClass = 1013

// batchLockKey folds a run and a batch into the second key of its claims'
// lock. Two batches that share a key only take turns to claim.
func batchLockKey(runID int64, batch int) int32 {
	return int32(uint32(runID*1_000_003 + int64(batch)))
}

// claimSQL reads the live claims of the batch (k), its free pending rows
// (p), the first of them and the next live claim after it (e), and takes
// up to $3 free rows before that claim. Attempts are counted when the
// outcome is recorded; a claimed row shows the attempt it is on.
//
// A claim and a cancel never miss each other (run): the claim key-share
// locks its run, as the claims row's foreign key would only after the
// rows are read, and claims nothing in a cancelled run. A cancel's
// FOR UPDATE (changeRun) waits for the claims in flight to commit, so its
// skip sees them; a claim that waited on the cancel sees the run
// cancelled. Before, a claim whose snapshot predated the cancel could
// commit after the skip read the claims: both took the rows, and if the
// claim's sender died, rows it journaled stayed 'skipped', not 'unknown'.
//
// Each claimed row reads its subscriber by primary key (LATERAL, fenced
// with OFFSET 0 so it is not flattened into a join): with fewer than about
// 50,000 subscribers the planner's estimate of a claim's rows made it hash
// the whole subscribers table for every claim instead (EXPLAIN ANALYZE at
// 20,000 subscribers: 14.3 ms a claim of 500, 4.6 ms by key).
const claimSQL = `
		WITH run AS (
			SELECT 1 FROM runs WHERE id = $1 AND status <> 'cancelled' FOR KEY SHARE
		), k AS (
			SELECT lo, hi FROM claims WHERE run_id = $1 AND batch = $2
		), p AS MATERIALIZED (
			SELECT d.subscriber_id, d.channel, d.attempts FROM deliveries d
			WHERE EXISTS (SELECT 1 FROM run) AND d.run_id = $1 AND d.batch = $2 AND d.status = 'pending'
			  AND NOT EXISTS (SELECT 1 FROM k WHERE d.subscriber_id BETWEEN k.lo AND k.hi)
		), e AS (
			SELECT coalesce((SELECT min(k.lo) FROM k WHERE k.lo > f.lo), 9223372036854775807) AS stop
			FROM (SELECT min(subscriber_id) AS lo FROM p) f
		), r AS (
			SELECT p.* FROM p, e WHERE p.subscriber_id < e.stop ORDER BY p.subscriber_id LIMIT $3
		), c AS (
			INSERT INTO claims (run_id, batch, lease_until, journal, journal_epoch, lo, hi)
			SELECT $1, $2, $4, $5, $6, min(subscriber_id), max(subscriber_id) FROM r HAVING count(*) > 0
			RETURNING id
		)
		SELECT r.subscriber_id, r.channel, r.attempts + 1 AS attempts, c.id AS claim, ` + claimedCols + `
		FROM r CROSS JOIN c LEFT JOIN LATERAL (SELECT * FROM subscribers s WHERE s.id = r.subscriber_id OFFSET 0) s ON true
		ORDER BY r.subscriber_id`

// ErrLeaseLost: a claim's lease ran out and the sweeper took its rows back;
// its sender must send nothing more from it.
var ErrLeaseLost = errors.New("claim lease lost")

// RenewClaims extends the leases of the claims a live worker holds (its
// heartbeat); claims already taken back stay gone.
func (s *Store) RenewClaims(ctx context.Context, ids []int64, leaseUntil time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE claims SET lease_until = $2 WHERE id = ANY($1)`, pq.Array(ids), leaseUntil)
	if err != nil {
		return fmt.Errorf("renew claims: %w", translate(err))
	}
	return nil
}

// reasonStopped is the reason of a row the sweeper called unknown (its
// sender stopped before recording it); a late record looks for it.
const reasonStopped = "outcome not recorded (sender stopped)"

// Expired is what ExpireClaims did to one run's rows.
type Expired struct {
	RunID   int64 `db:"run_id"`
	Unknown int   `db:"unknown"`
	Pending int   `db:"pending"`
}

// Fence closes the journals of expired claims so their senders send
// nothing more, and says how far each got: rows up to that subscriber id
// may have gone out.
type Fence func(ctx context.Context, journals []Journal) ([]int64, error)

// ExpireClaims takes back every claim whose lease ended before now (its
// sender is dead): fence closes their journals, the rows they journaled
// and did not record become 'unknown' (they may have gone out; never
// re-sent, their attempt counted), the others, still 'pending', are free
// for the next claim once the dead one is gone. The claims stay locked
// from the read to the commit, so a renewal meanwhile waits and then finds
// them gone; a claim being renewed or released right now is skipped, for
// the next sweep.
func (s *Store) ExpireClaims(ctx context.Context, now time.Time, fence Fence) ([]Expired, error) {
	var out []Expired
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var dead []struct {
			ID int64 `db:"id"`
			Journal
		}
		if err := tx.SelectContext(ctx, &dead, `SELECT id, journal, journal_epoch FROM claims WHERE lease_until < $1
			ORDER BY id FOR UPDATE SKIP LOCKED`, now); err != nil || len(dead) == 0 {
			return err
		}
		ids, js := make([]int64, len(dead)), make([]Journal, len(dead))
		for i, d := range dead {
			ids[i], js[i] = d.ID, d.Journal
		}
		upTo, err := fence(ctx, js)
		if err == nil && len(upTo) != len(js) {
			err = fmt.Errorf("fence answered %d of %d journals", len(upTo), len(js))
		}
		if err != nil {
			return err
		}
		return tx.SelectContext(ctx, &out, expireSQL, pq.Array(ids), pq.Array(upTo))
	})
	if err != nil {
		return nil, fmt.Errorf("expire claims: %w", translate(err))
	}
	return out, nil
}

// expireSQL deletes the claims $1 whose journals got up to $2 and gives
// their rows in flight their outcome: a pending row up to the journal that
// the claim did not record itself (a transient failure it gave back keeps
// the claim's id) is unknown. It counts those and the rows left pending.
const expireSQL = `
		WITH x AS (
			DELETE FROM claims k USING unnest($1::bigint[], $2::bigint[]) AS j(id, upto)
			WHERE k.id = j.id RETURNING k.id, k.run_id, k.batch, k.lo, k.hi, j.upto AS attempted
		), u AS (
			UPDATE deliveries d SET updated_at = now(), status = 'unknown', reason = '` + reasonStopped + `',
				attempts = d.attempts + 1, claim = x.id
			FROM x WHERE d.run_id = x.run_id AND d.batch = x.batch AND d.status = 'pending'
			  AND d.subscriber_id BETWEEN x.lo AND least(x.hi, x.attempted) AND d.claim IS DISTINCT FROM x.id
			RETURNING d.run_id
		), p AS (
			SELECT d.run_id FROM deliveries d JOIN x ON d.run_id = x.run_id AND d.batch = x.batch
			WHERE d.status = 'pending' AND d.subscriber_id BETWEEN x.lo AND x.hi
			  AND (d.subscriber_id > x.attempted OR d.claim = x.id)
		), r AS (
			SELECT DISTINCT run_id FROM x
		)
		SELECT r.run_id, (SELECT count(*) FROM u WHERE u.run_id = r.run_id) AS unknown,
			(SELECT count(*) FROM p WHERE p.run_id = r.run_id) AS pending
		FROM r`

// Result is the outcome of one claimed delivery. Status 'pending' gives the
// row back; with Unclaim the claim's attempt is not counted (it never went
// out: pause, shutdown).
type Result struct {
	SubscriberID int64
	Status       string
	Reason       string
	Unclaim      bool
}

// Recorded counts the rows a record changed, by the status written; Returned
// counts rows handed back untried (Unclaim); Late counts rows the sweeper
// had already called unknown (counted then), now known.
type Recorded struct {
	ByStatus map[string]int
	Returned int
	Late     int
}

// RecordResults writes outcomes of claim claimID (0: rows claimed without
// one, the naive baseline) in bulk: one UPDATE ... FROM unnest for the
// deliveries and one for subscribers found blocked; with release the claim
// is finished too, in the same statement. Only rows still in flight under
// that claim change, or rows the sweeper already called 'unknown' (a late
// record knows better). It says what changed, so counters follow the
// records.
func (s *Store) RecordResults(ctx context.Context, runID, claimID int64, rs []Result, release bool) (Recorded, error) {
	rec := Recorded{ByStatus: map[string]int{}}
	if len(rs) == 0 && !release {
		return rec, nil
	}
	n := len(rs)
	ids, statuses, reasons, undo := make([]int64, n), make([]string, n), make([]string, n), make([]bool, n)
	var blocked []int64
	var blockedWhy []string
	for i, r := range rs {
		ids[i], statuses[i], reasons[i], undo[i] = r.SubscriberID, r.Status, r.Reason, r.Unclaim
		if r.Status == DeliveryBlocked {
			blocked, blockedWhy = append(blocked, r.SubscriberID), append(blockedWhy, r.Reason)
		}
	}
	want := n // rows the first statement should change
	main := recordNaiveSQL
	if claimID != 0 {
		// a claim's rows are still pending: one it gives back untried needs no write
		main = recordClaimSQL
		for _, r := range rs {
			if r.Unclaim {
				rec.Returned++
				want--
			}
		}
	}
	args := []any{runID, pq.Array(ids), pq.Array(statuses), pq.Array(reasons), pq.Array(undo), claimID, release}
	mainArgs := args
	if claimID == 0 {
		mainArgs = args[:5]
	}
	rq, err := s.prepared(ctx, main)
	if err != nil {
		return Recorded{}, fmt.Errorf("record run %d: %w", runID, err)
	}
	lq, err := s.prepared(ctx, recordLateSQL)
	if err != nil {
		return Recorded{}, fmt.Errorf("record run %d: %w", runID, err)
	}
	// q runs on the pool, or in the transaction that also marks subscribers blocked
	write := func(q func(*sqlx.Stmt) *sqlx.Stmt) error {
		rows, err := q(rq).QueryContext(ctx, mainArgs...)
		if err != nil {
			return err
		}
		got, err := scanRecorded(rows, &rec, false)
		if err != nil || got == n {
			return err
		}
		if got == want && rec.Returned == 0 {
			return nil
		}
		// Some rows were no longer in flight: the sweeper may have called
		// them unknown meanwhile, or a cancel skipped them as they were
		// claimed. A second statement sees its change.
		rows, err = q(lq).QueryContext(ctx, args[:6]...)
		if err != nil {
			return err
		}
		_, err = scanRecorded(rows, &rec, true)
		return err
	}
	if len(blocked) == 0 {
		// the usual chunk: one statement, no BEGIN/COMMIT round trips
		if err := write(func(st *sqlx.Stmt) *sqlx.Stmt { return st }); err != nil {
			return Recorded{}, fmt.Errorf("record run %d: %w", runID, translate(err))
		}
		return rec, nil
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := write(func(st *sqlx.Stmt) *sqlx.Stmt { return tx.StmtxContext(ctx, st) }); err != nil {
			return fmt.Errorf("record run %d: %w", runID, translate(err))
		}
		_, err := tx.ExecContext(ctx, `
			UPDATE subscribers s SET status = 'blocked', status_reason = b.reason, updated_at = now()
			FROM unnest($1::bigint[], $2::text[]) AS b(id, reason)
			WHERE s.id = b.id AND s.status = 'active'`, pq.Array(blocked), pq.Array(blockedWhy))
		if err != nil {
			return fmt.Errorf("mark blocked subscribers: %w", translate(err))
		}
		return nil
	})
	if err != nil {
		return Recorded{}, err
	}
	return rec, nil
}

// recordClaimSQL writes the outcomes of a live claim ($6) onto its rows,
// still pending (attempts are counted here, and the claim's id marks a
// row given back pending as recorded), and releases the claim with $7.
// Rows given back untried ($5) are left as they are. No FOR UPDATE first:
// a lock per row was a WAL record per row besides the update's. Should the
// sweeper change a row between this statement's snapshot and its update,
// PostgreSQL re-checks the row's new version, which is no longer pending,
// and leaves it to recordLateSQL. A claim the sweeper took back records
// nothing here, nor does a claim on rows outside its range.
const recordClaimSQL = `
		WITH u AS (
			UPDATE deliveries d SET status = u.status, reason = u.reason, updated_at = now(),
				attempts = d.attempts + 1, claim = $6
			FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bool[]) AS u(id, status, reason, undo), claims k
			WHERE k.id = $6 AND d.run_id = $1 AND d.subscriber_id = u.id AND NOT u.undo AND d.status = 'pending'
			  AND d.batch = k.batch AND d.subscriber_id BETWEEN k.lo AND k.hi
			RETURNING u.status
		), rel AS (
			DELETE FROM claims WHERE $7 AND id = $6
		)
		SELECT status, false, count(*) FROM u GROUP BY status`

// recordNaiveSQL writes the outcomes of rows the naive baseline claimed
// one by one ('sending', counted, under no claim; no $6, $7).
const recordNaiveSQL = `
		WITH u AS (
			UPDATE deliveries d SET status = u.status, reason = u.reason, updated_at = now(),
				attempts = CASE WHEN u.undo THEN greatest(d.attempts - 1, 0) ELSE d.attempts END
			FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bool[]) AS u(id, status, reason, undo)
			WHERE d.run_id = $1 AND d.subscriber_id = u.id AND d.status = 'sending' AND d.claim IS NULL
			RETURNING u.status, u.undo
		)
		SELECT status, undo, count(*) FROM u GROUP BY status, undo`

// recordLateSQL is the rare second step: outcomes of rows the sweeper
// called unknown (and counted so, attempt included) before they were
// recorded, whose reason tells them from rows this record itself just
// called unknown; and of rows a cancel skipped as they were being claimed
// (then sent all the same: what happened wins; a row given back untried,
// or pending after a transient failure, was not sent and stays skipped: a
// cancelled run has no sender left for it). A row would go back to pending
// only outside every live claim: inside a newer claim's range it would be
// neither that claim's to send nor free, so it stays unknown.
const recordLateSQL = `
		WITH u AS (
			UPDATE deliveries d SET status = u.status, reason = u.reason, updated_at = now(),
				attempts = CASE WHEN d.status = 'skipped' THEN d.attempts + 1
					WHEN u.undo THEN greatest(d.attempts - 1, 0) ELSE d.attempts END,
				claim = CASE WHEN $6 = 0 THEN d.claim ELSE $6 END
			FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bool[]) AS u(id, status, reason, undo)
			WHERE d.run_id = $1 AND d.subscriber_id = u.id
			  AND ((d.status = 'unknown' AND d.reason = '` + reasonStopped + `' AND (d.claim = $6 OR ($6 = 0 AND d.claim IS NULL))
			        AND (u.status <> 'pending' OR NOT EXISTS (SELECT 1 FROM claims k WHERE k.run_id = $1
			            AND k.batch = d.batch AND d.subscriber_id BETWEEN k.lo AND k.hi)))
			    OR ($6 <> 0 AND NOT u.undo AND u.status <> 'pending' AND d.status = 'skipped' AND d.reason = 'cancelled'))
			RETURNING u.status, u.undo
		)
		SELECT status, undo, count(*) FROM u GROUP BY status, undo`

// scanRecorded adds a record statement's counts to rec (late: all of
// them are late records) and says how many rows it changed.
func scanRecorded(rows *sql.Rows, rec *Recorded, late bool) (int, error) {
	defer rows.Close()
	total := 0
	for rows.Next() {
		var st string
		var undone bool
		var k int
		if err := rows.Scan(&st, &undone, &k); err != nil {
			return total, err
		}
		total += k
		switch {
		case late:
			rec.Late += k
		case undone:
			rec.Returned += k
		default:
			rec.ByStatus[st] += k
		}
	}
	return total, rows.Err()
}

// MoveRecipient follows a recipient to its new address (a channel's
// "migrated" outcome; today Telegram's group that became a supergroup,
// whose new chat id is to).
func (s *Store) MoveRecipient(ctx context.Context, subscriberID int64, to string) error {
	chatID, err := strconv.ParseInt(to, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: subscriber %d moved to %q, not a chat id", ErrInvalid, subscriberID, to)
	}
	_, err = s.db.ExecContext(ctx, `UPDATE subscribers SET chat_id = $2, updated_at = now()
		WHERE id = $1 AND chat_id IS NOT NULL`, subscriberID, chatID)
	if err != nil {
		return fmt.Errorf("move subscriber %d: %w", subscriberID, translate(err))
	}
	return nil
}

// BatchRef is one batch of a run and the channel its recipients are on.
type BatchRef struct {
	Batch   int    `db:"batch"`
	Channel string `db:"channel"`
}

// PendingBatches lists the batches of a run that still have pending rows.
// It reads the run's rows only when its counters say some are pending (a
// scan of the run: no index finds pending rows, so that claims and records
// can update rows in place).
func (s *Store) PendingBatches(ctx context.Context, runID int64) ([]BatchRef, error) {
	var out []BatchRef
	err := s.db.SelectContext(ctx, &out, `SELECT DISTINCT batch, channel FROM deliveries
		WHERE run_id = $1 AND status = 'pending' AND `+anyCounted("pending")+` ORDER BY batch`, runID)
	if err != nil {
		return nil, fmt.Errorf("pending batches of run %d: %w", runID, translate(err))
	}
	return out, nil
}

// ReconcileStale turns rows claimed without a lease (the naive baseline,
// rows claimed before leases existed) left 'sending' longer than olderThan
// into 'unknown': their sender died between sending and recording, so
// whether the message went out is not known, and it is never sent again
// automatically. Rows under a claim are ExpireClaims' business.
func (s *Store) ReconcileStale(ctx context.Context, runID int64, olderThan time.Duration) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE deliveries SET status = 'unknown',
			reason = '`+reasonStopped+`', updated_at = now()
		WHERE run_id = $1 AND status = 'sending' AND claim IS NULL AND updated_at < now() - make_interval(secs => $2)
		  AND `+anyCounted("sending"),
		runID, olderThan.Seconds())
	if err != nil {
		return 0, fmt.Errorf("reconcile run %d: %w", runID, translate(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// anyCounted is a test, for a query on run $1, that the run's counters
// hold rows in that status (a constant status: it is part of the SQL).
// PostgreSQL evaluates it once, before reading any delivery row, so a run
// with none reads nothing.
func anyCounted(status string) string {
	return `EXISTS (SELECT 1 FROM run_counts WHERE run_id = $1 AND status = '` + status + `' HAVING sum(n) > 0)`
}

// ReasonCount is how many deliveries ended in a status for a reason.
type ReasonCount struct {
	Status string `db:"status"`
	Reason string `db:"reason"`
	N      int    `db:"n"`
}

// Progress is a run's delivery counts, readable at any time, in total and
// per channel.
type Progress struct {
	Run       Run
	ByStatus  map[string]int
	Reasons   []ReasonCount
	ByChannel map[string]map[string]int // channel → status → count
}

// Done is how many deliveries reached a final state.
func (p Progress) Done() int {
	return p.Run.Total - p.ByStatus[DeliveryPending] - p.ByStatus[DeliverySending]
}

// RunProgress counts a run's deliveries by status and reason, from the
// run's counters (exact: kept in the same statement as every change).
func (s *Store) RunProgress(ctx context.Context, runID int64) (Progress, error) {
	r, err := s.RunByID(ctx, runID)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Run: r, ByStatus: map[string]int{}, ByChannel: map[string]map[string]int{}}
	var rows []struct {
		Channel string `db:"channel"`
		ReasonCount
	}
	// the counters the deliveries triggers keep (migration 00010): a few
	// rows, where counting the deliveries took 170 ms at 1,000,000
	if err := s.db.SelectContext(ctx, &rows, `SELECT channel, status, reason, sum(n) AS n FROM run_counts
		WHERE run_id = $1 GROUP BY channel, status, reason HAVING sum(n) <> 0`, runID); err != nil {
		return p, fmt.Errorf("progress of run %d: %w", runID, translate(err))
	}
	reasons := map[[2]string]int{}
	for _, rc := range rows {
		p.ByStatus[rc.Status] += rc.N
		if p.ByChannel[rc.Channel] == nil {
			p.ByChannel[rc.Channel] = map[string]int{}
		}
		p.ByChannel[rc.Channel][rc.Status] += rc.N
		reasons[[2]string{rc.Status, rc.Reason}] += rc.N
	}
	for k, n := range reasons {
		p.Reasons = append(p.Reasons, ReasonCount{Status: k[0], Reason: k[1], N: n})
	}
	sort.Slice(p.Reasons, func(i, j int) bool {
		a, b := p.Reasons[i], p.Reasons[j]
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Reason < b.Reason
	})
	return p, nil
}

// WriteReportCSV streams one line per delivery, with its channel. lib/pq reads result rows
// off the connection as they are scanned, so a million-row report never sits
// in memory.
func (s *Store) WriteReportCSV(ctx context.Context, runID int64, w io.Writer) error {
	rows, err := s.db.QueryContext(ctx, `SELECT d.subscriber_id, coalesce(l.code, ''), coalesce(s.locale, ''),
			d.status, d.reason, d.attempts, coalesce(to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
			d.channel
		FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id LEFT JOIN localities l ON l.id = s.locality_id
		WHERE d.run_id = $1 ORDER BY d.subscriber_id`, runID)
	if err != nil {
		return fmt.Errorf("report of run %d: %w", runID, translate(err))
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"subscriber_id", "locality", "locale", "status", "reason", "attempts", "updated_at", "channel"}); err != nil {
		return err
	}
	var id int64
	var loc, locale, status, reason, at, channel string
	var attempts int
	for rows.Next() {
		if err := rows.Scan(&id, &loc, &locale, &status, &reason, &attempts, &at, &channel); err != nil {
			return err
		}
		if err := cw.Write([]string{strconv.FormatInt(id, 10), loc, locale, status, reason, strconv.Itoa(attempts), at, channel}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report of run %d: %w", runID, err)
	}
	cw.Flush()
	return cw.Error()
}

// ClaimDelivery claims one recipient's pending row (the naive
// one-task-per-recipient baseline in the benchmark); false if not pending.
func (s *Store) ClaimDelivery(ctx context.Context, runID, subscriberID int64) (Claimed, bool, error) {
	var out []Claimed
	err := s.db.SelectContext(ctx, &out, `
		WITH u AS (
			UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now()
			WHERE run_id = $1 AND subscriber_id = $2
			  AND status NOT IN ('sending', 'sent', 'failed', 'blocked', 'skipped', 'unknown') -- = 'pending', by the primary key
			RETURNING subscriber_id, channel, attempts
		)
		SELECT u.subscriber_id, u.channel, u.attempts, `+claimedCols+`
		FROM u LEFT JOIN subscribers s ON s.id = u.subscriber_id`, runID, subscriberID)
	if err != nil || len(out) == 0 {
		return Claimed{}, false, translate(err)
	}
	return out[0], true, nil
}

// RunSubscribers lists a run's recipients (the naive baseline enqueues one task each).
func (s *Store) RunSubscribers(ctx context.Context, runID int64) ([]int64, error) {
	var out []int64
	err := s.db.SelectContext(ctx, &out, `SELECT subscriber_id FROM deliveries WHERE run_id = $1 ORDER BY subscriber_id`, runID)
	return out, translate(err)
}

// MarkRunSending moves a planned run straight to sending without batches
// (the naive baseline plans by itself).
func (s *Store) MarkRunSending(ctx context.Context, runID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE runs SET status = 'sending', started_at = coalesce(started_at, now()) WHERE id = $1`, runID)
	return translate(err)
}
