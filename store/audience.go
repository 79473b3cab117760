package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/loa-vn/loa/messages"
)

// Plan is a run's frozen audience: how many recipients in how many
// batches, per channel.
type Plan struct {
	Status  string // the run's status after planning
	Total   int
	Batches int
	// Channels says which batches hold which channel's recipients (set when
	// Fresh): each batch holds one channel's only.
	Channels []ChannelBatches
	// Fresh is true when this call froze the audience; false when an earlier
	// call already had (re-planning after a crash changes nothing).
	Fresh bool
}

// ChannelBatches is one channel's share of a run: Total recipients in the
// batches First … First+Batches-1.
type ChannelBatches struct {
	Channel string `db:"channel"`
	Total   int    `db:"n"`
	First   int    `db:"first"`
	Batches int    `db:"batches"`
}

// audienceWhere is THE audience filter, the one piece of SQL that both the
// counts (CountAudience, CountAudienceByChannel) and the freeze read, over
// subscribers s with the parameters of audienceArgs in $1…$6. Each list is
// an OR of its entries and the lists combine with AND (empty = no filter):
//
//   - channels, languages: the subscriber's own;
//   - localities: a code includes the units under it (a city its wards);
//   - former districts: a former unit's code (district or ward) reaches the
//     current units that took it over, a district's also through its wards;
//   - agencies: members of the agency or of any agency under it;
//   - the agency manager's scope ($6): members of that agency's own list.
//
// The place filters are resolved by ARRAY(...) sub-selects, which
// PostgreSQL runs once, before the scan: the scan is then a bitmap scan of
// subscribers_audience_idx by locality id (a ward of a million-subscriber
// city counts in milliseconds) rather than a join the planner cannot size.
// The parameters are known at planning (lib/pq sends them with the query),
// so an empty list's test folds away.
const audienceWhere = `s.status = 'active'
		  AND (cardinality($1::text[]) = 0 OR s.channel = ANY($1))
		  AND (cardinality($2::text[]) = 0 OR s.locale = ANY($2))
		  AND (cardinality($3::text[]) = 0 OR s.locality_id = ANY(ARRAY(
		        SELECT l.id FROM localities l LEFT JOIN localities p ON p.id = l.parent_id
		        WHERE l.code = ANY($3) OR p.code = ANY($3))))
		  AND (cardinality($4::text[]) = 0 OR s.locality_id = ANY(ARRAY(
		        SELECT lf.locality_id FROM locality_former_units lf JOIN former_units f ON f.id = lf.former_unit_id
		        LEFT JOIN former_units d ON d.id = f.district_id
		        WHERE f.code = ANY($4) OR d.code = ANY($4))))
		  AND (cardinality($5::text[]) = 0 OR EXISTS (
		        SELECT 1 FROM agency_members m WHERE m.subscriber_id = s.id AND m.agency_id = ANY(ARRAY(
		            WITH RECURSIVE sub(id) AS (
		                SELECT g.id FROM agencies g WHERE g.code = ANY($5)
		                UNION SELECT g.id FROM agencies g JOIN sub ON g.parent_id = sub.id)
		            SELECT id FROM sub))))
		  AND ($6::bigint IS NULL OR EXISTS (
		        SELECT 1 FROM agency_members m WHERE m.subscriber_id = s.id AND m.agency_id = $6))`

// audienceArgs are audienceWhere's $1…$6.
func audienceArgs(a messages.Audience, agencyID *int64) []any {
	return []any{stringArray(a.Channels), stringArray(a.Languages), stringArray(a.Localities),
		stringArray(a.FormerDistricts), stringArray(a.Agencies), agencyID}
}

// CountAudience counts who a broadcast with this audience would reach now:
// exactly the rows the freeze would write (same filter, audienceWhere).
func (s *Store) CountAudience(ctx context.Context, a messages.Audience, agencyID *int64) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM subscribers s WHERE `+audienceWhere,
		audienceArgs(a, agencyID)...); err != nil {
		return 0, fmt.Errorf("count audience: %w", translate(err))
	}
	return n, nil
}

// CountAudienceByChannel is CountAudience per channel (channels reaching
// nobody are absent).
func (s *Store) CountAudienceByChannel(ctx context.Context, a messages.Audience, agencyID *int64) (map[string]int, error) {
	var rows []struct {
		Channel string `db:"channel"`
		N       int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT s.channel, count(*) AS n FROM subscribers s WHERE `+audienceWhere+`
		GROUP BY s.channel`, audienceArgs(a, agencyID)...); err != nil {
		return nil, fmt.Errorf("count audience by channel: %w", translate(err))
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Channel] = r.N
	}
	return out, nil
}

// FreezeAudience writes one delivery row per distinct recipient in ONE
// set-based INSERT ... SELECT, numbering each channel's recipients by
// subscriber id into batches of batchSize, and moves the run to 'sending'
// in the same transaction. The run row is locked first, so two planners
// serialise and the second sees the run already planned; and since rows
// and status commit together, a run still 'planning' has no delivery rows.
// That is why the INSERT needs no ON CONFLICT: its speculative insertion
// cost a quarter of the freeze time at a million rows.
func (s *Store) FreezeAudience(ctx context.Context, runID int64, batchSize int) (Plan, error) {
	if batchSize < 1 {
		return Plan{}, fmt.Errorf("%w: batch size %d", ErrInvalid, batchSize)
	}
	var p Plan
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r struct {
			Status   string          `db:"status"`
			Audience json.RawMessage `db:"audience"`
			Total    int             `db:"total"`
			Batches  int             `db:"batches"`
			AgencyID *int64          `db:"agency_id"`
		}
		if err := tx.GetContext(ctx, &r, `SELECT r.status, r.audience, r.total, r.batches, b.agency_id
			FROM runs r JOIN broadcasts b ON b.id = r.broadcast_id WHERE r.id = $1 FOR UPDATE OF r`, runID); err != nil {
			return fmt.Errorf("run %d: %w", runID, translate(err))
		}
		if r.Status != RunPlanning {
			p = Plan{Status: r.Status, Total: r.Total, Batches: r.Batches}
			return nil
		}
		var aud messages.Audience
		if err := json.Unmarshal(r.Audience, &aud); err != nil {
			return fmt.Errorf("%w: run %d audience: %v", ErrInvalid, runID, err)
		}
		chans, err := insertDeliveries(ctx, tx, runID, batchSize, aud, r.AgencyID)
		if err != nil {
			return err
		}
		p = Plan{Status: RunSending, Channels: chans, Fresh: true}
		for _, c := range chans {
			p.Total += c.Total
			p.Batches += c.Batches
		}
		if p.Total == 0 {
			p.Status = RunDone
		}
		_, err = tx.ExecContext(ctx, `UPDATE runs SET status = $2, total = $3, batches = $4, started_at = now(),
			finished_at = CASE WHEN $2 = 'done' THEN now() END WHERE id = $1`, runID, p.Status, p.Total, p.Batches)
		if err != nil {
			return fmt.Errorf("plan run %d: %w", runID, translate(err))
		}
		return nil
	})
	if err == nil && p.Fresh {
		// Fresh statistics right away: without them the planner guesses at
		// the new rows and claims and records can pick whole-run scans.
		// Only the columns those statements filter on: the others' figures
		// cost a third of the ANALYZE and steer no plan of the send path.
		if _, aerr := s.db.ExecContext(ctx, `ANALYZE deliveries (run_id, subscriber_id, batch, status, claim)`); aerr != nil {
			return p, fmt.Errorf("analyze deliveries: %w", aerr)
		}
	}
	return p, err
}

// insertDeliveries is the freeze itself, in one statement: count each
// channel's recipients, give each channel a range of batch numbers, and
// insert every recipient with its channel and batch. Every part of one
// statement reads the same snapshot, so the counts are exactly the rows
// inserted and no batch can spill into the next channel's, and the counts
// it writes to run_counts are exact. The data-changing CTEs run to
// completion though nothing reads them; the statement answers the
// per-channel ranges. COLLATE "C" keeps the sort on (channel, id) a byte
// compare.
func insertDeliveries(ctx context.Context, tx *sqlx.Tx, runID int64, batchSize int, a messages.Audience, agencyID *int64) ([]ChannelBatches, error) {
	// For this transaction only: the statement writes its own counters
	// (the trigger need not group a million rows again, migration 00012),
	// and its sort and the trigger's transition table stay in memory
	// (at the default 4 MB both spilled to disk at a million rows).
	if _, err := tx.ExecContext(ctx, `SELECT set_config('loa.deliveries_counted', 'on', true),
		set_config('work_mem', '`+freezeWorkMem+`', true)`); err != nil {
		return nil, fmt.Errorf("freeze run %d: %w", runID, translate(err))
	}
	var out []ChannelBatches
	err := tx.SelectContext(ctx, &out, `
		WITH counts AS (
			SELECT s.channel, count(*)::int AS n FROM subscribers s WHERE `+audienceWhere+`
			GROUP BY s.channel
		), ranges AS (
			SELECT channel, n, ((n + $8 - 1) / $8)::int AS batches,
				coalesce(sum((n + $8 - 1) / $8) OVER (ORDER BY channel COLLATE "C"
					ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS first
			FROM counts
		), ins AS (
			INSERT INTO deliveries (run_id, subscriber_id, channel, batch)
			SELECT $7, s.id, s.channel, r.first + ((row_number() OVER (PARTITION BY s.channel COLLATE "C" ORDER BY s.id)) - 1) / $8
			FROM subscribers s JOIN ranges r ON r.channel = s.channel
			WHERE `+audienceWhere+`
		), counted AS (
			INSERT INTO run_counts (run_id, channel, status, reason, shard, n)
			SELECT $7, channel, 'pending', '', 0, n FROM ranges
		)
		SELECT channel, n, first, batches FROM ranges ORDER BY first`,
		append(audienceArgs(a, agencyID), runID, batchSize)...)
	if err != nil {
		return nil, fmt.Errorf("freeze run %d: %w", runID, translate(err))
	}
	return out, nil
}

// freezeWorkMem is the freeze's work_mem: enough to sort a million
// recipients and hold their new rows for the statement triggers.
const freezeWorkMem = "256MB"

// stringArray never sends NULL, so cardinality() tests stay simple.
func stringArray(v []string) pq.StringArray {
	if v == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(v)
}

// Generated describes synthetic subscribers for tests and benchmarks.
type Generated struct {
	N          int
	ChatIDBase int64   // chat_id = ChatIDBase + i
	EnglishPct int     // every (100/EnglishPct)-th subscriber speaks English
	Localities []int64 // cycled over; empty = no locality
	Prefix     string  // external_id prefix, so several sets can coexist
	// Channel is the subscribers' channel ("" = telegram). Only Telegram
	// subscribers get a chat_id; others are reached at their external id.
	Channel string
}

// GenerateSubscribers inserts N active subscribers in one
// INSERT ... SELECT generate_series and returns their ids range.
func (s *Store) GenerateSubscribers(ctx context.Context, g Generated) (first, last int64, err error) {
	every := 0
	if g.EnglishPct > 0 {
		every = 100 / g.EnglishPct
	}
	locs := g.Localities
	if locs == nil {
		locs = []int64{}
	}
	err = s.db.QueryRowContext(ctx, `
		WITH ins AS (
			INSERT INTO subscribers (channel, external_id, chat_id, first_name, locale, locality_id, status, consent_at)
			SELECT $6, $1 || i, CASE WHEN $6 = 'telegram' THEN $2 + i END, 'Dân ' || i,
				CASE WHEN $3 > 0 AND i % $3 = 0 THEN 'en' ELSE 'vi' END,
				CASE WHEN cardinality($4::bigint[]) > 0 THEN ($4::bigint[])[1 + i % cardinality($4::bigint[])] END,
				'active', now()
			FROM generate_series(1, $5) AS i
			RETURNING id)
		SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM ins`,
		orDefault(g.Prefix, "g"), g.ChatIDBase, every, pq.Array(locs), g.N, orDefault(g.Channel, "telegram")).Scan(&first, &last)
	if err != nil {
		return 0, 0, fmt.Errorf("generate subscribers: %w", translate(err))
	}
	return first, last, nil
}

// SetSubscriberStatus changes one subscriber's status (tests; the bot's
// /stop has its own path).
func (s *Store) SetSubscriberStatus(ctx context.Context, id int64, status string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE subscribers SET status = $2, updated_at = now() WHERE id = $1`, id, status)
	return translate(err)
}

// UnknownAudienceCodes returns, per audience list, the codes that name
// nothing, so the API can point at the exact entry.
func (s *Store) UnknownAudienceCodes(ctx context.Context, a messages.Audience) (map[string][]string, error) {
	out := map[string][]string{}
	check := func(list []string, table, name, where string) error {
		if len(list) == 0 {
			return nil
		}
		var missing []string
		err := s.db.SelectContext(ctx, &missing, `SELECT c FROM unnest($1::text[]) AS c
			WHERE NOT EXISTS (SELECT 1 FROM `+table+` t WHERE t.code = c `+where+`)`, pq.Array(list))
		if err != nil {
			return fmt.Errorf("audience codes: %w", translate(err))
		}
		if len(missing) > 0 {
			out[name] = missing
		}
		return nil
	}
	if err := check(a.Localities, "localities", "localities", ""); err != nil {
		return nil, err
	}
	// former_units holds wards too: only a district is a former district
	if err := check(a.FormerDistricts, "former_units", "former_districts", "AND t.district_id IS NULL"); err != nil {
		return nil, err
	}
	if err := check(a.Agencies, "agencies", "agencies", ""); err != nil {
		return nil, err
	}
	return out, nil
}
