-- Issue 13: the cost of a delivery row, written once by the freeze and
-- changed twice (claimed, then recorded).
--
-- 1. Changes in place. The partial open-rows index names status in its
--    predicate, so no update of status could be HOT: each claim and record
--    wrote a new row version into every index (6 WAL records per row per
--    change, most of PostgreSQL's CPU per message). A plain (run_id, batch)
--    index names no column that changes, and pages left half free give the
--    new versions room beside the old (a claim rewrites every row of a page
--    at once), so claims and records rewrite rows in place. What read the
--    open index for "anything left?" reads the counters of 00011 now.
--
-- 2. The run of a delivery is checked once per statement, not once per row.
--    The foreign key to runs ran one lookup (and row lock) per inserted row:
--    a third of a million-row freeze. A statement trigger checks (and
--    key-share locks) the distinct runs of the new rows instead, raising
--    the same foreign_key_violation; an UPDATE that sets run_id is refused
--    (a delivery never changes run); deleting a run still deletes its
--    deliveries.
--
-- 3. The freeze counts its own rows. The counters' INSERT branch grouped
--    the million new rows again; the freeze already counts each channel's
--    recipients, writes those counts to run_counts in the same statement,
--    and says so with the transaction-local setting loa.deliveries_counted.
--    Every other insert is still counted by the trigger. The UPDATE branch
--    reads the transition tables directly instead of materialising their
--    union twice.

-- +goose Up
ALTER TABLE deliveries SET (fillfactor = 50);
CREATE INDEX deliveries_batch_idx ON deliveries (run_id, batch);
DROP INDEX deliveries_open_idx;

ALTER TABLE deliveries DROP CONSTRAINT deliveries_run_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION deliveries_run_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    found int;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'a delivery stays in its run: run_id does not change'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'deliveries';
    END IF;
    SELECT array_agg(DISTINCT run_id) INTO ids FROM new_rows;
    -- FOR KEY SHARE, as a foreign key locks: the run cannot go meanwhile
    SELECT count(*) INTO found FROM (SELECT 1 FROM runs WHERE id = ANY(ids) FOR KEY SHARE) r;
    IF found < coalesce(cardinality(ids), 0) THEN
        RAISE EXCEPTION 'a delivery names a run that does not exist'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'deliveries';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER deliveries_run_ins AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deliveries_run_check();
-- A statement trigger: a row trigger BEFORE UPDATE, even one for another
-- column, makes PostgreSQL lock every row before updating it (a WAL record
-- per row of every claim and record).
CREATE TRIGGER deliveries_run_upd BEFORE UPDATE OF run_id ON deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION deliveries_run_check();

-- +goose StatementBegin
CREATE FUNCTION runs_delete_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM deliveries d USING old_runs o WHERE d.run_id = o.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER runs_delete_deliveries AFTER DELETE ON runs
    REFERENCING OLD TABLE AS old_runs FOR EACH STATEMENT EXECUTE FUNCTION runs_delete_deliveries();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION run_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sh smallint := (pg_backend_pid() % 32)::smallint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
    WITH c AS (
        INSERT INTO run_counts AS c (run_id, channel, status, reason, shard, n)
        SELECT run_id, channel, status, reason, sh, sum(d) FROM (
            SELECT run_id, channel, status, reason, 1 AS d FROM new_rows
            UNION ALL
            SELECT run_id, channel, status, reason, -1 AS d FROM old_rows) d
        GROUP BY run_id, channel, status, reason HAVING sum(d) <> 0
        ORDER BY run_id, channel, status, reason
        ON CONFLICT (run_id, channel, status, reason, shard) DO UPDATE SET n = c.n + excluded.n
    )
    INSERT INTO run_minutes AS m (run_id, minute, shard, n)
    SELECT run_id, date_trunc('minute', updated_at), sh, sum(d) FROM (
        SELECT run_id, updated_at, 1 AS d FROM new_rows
        WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL
        UNION ALL
        SELECT run_id, updated_at, -1 AS d FROM old_rows
        WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL) d
    GROUP BY run_id, date_trunc('minute', updated_at) HAVING sum(d) <> 0
    ORDER BY 1, 2
    ON CONFLICT (run_id, minute, shard) DO UPDATE SET n = m.n + excluded.n;
    ELSIF TG_OP = 'INSERT' THEN
    IF current_setting('loa.deliveries_counted', true) = 'on' THEN
        RETURN NULL; -- the freeze wrote its counts itself
    END IF;
    WITH d AS (
        SELECT run_id, channel, status, reason, updated_at, 1 AS d FROM new_rows
    ), c AS (
        INSERT INTO run_counts AS c (run_id, channel, status, reason, shard, n)
        SELECT run_id, channel, status, reason, sh, sum(d) FROM d
        GROUP BY run_id, channel, status, reason HAVING sum(d) <> 0
        ORDER BY run_id, channel, status, reason
        ON CONFLICT (run_id, channel, status, reason, shard) DO UPDATE SET n = c.n + excluded.n
    )
    INSERT INTO run_minutes AS m (run_id, minute, shard, n)
    SELECT run_id, date_trunc('minute', updated_at), sh, sum(d) FROM d
    WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL
    GROUP BY run_id, date_trunc('minute', updated_at) HAVING sum(d) <> 0
    ORDER BY 1, 2
    ON CONFLICT (run_id, minute, shard) DO UPDATE SET n = m.n + excluded.n;
    ELSE
    WITH d AS (
        SELECT run_id, channel, status, reason, updated_at, -1 AS d FROM old_rows o
            WHERE EXISTS (SELECT 1 FROM runs r WHERE r.id = o.run_id) -- not a run being deleted
    ), c AS (
        INSERT INTO run_counts AS c (run_id, channel, status, reason, shard, n)
        SELECT run_id, channel, status, reason, sh, sum(d) FROM d
        GROUP BY run_id, channel, status, reason HAVING sum(d) <> 0
        ORDER BY run_id, channel, status, reason
        ON CONFLICT (run_id, channel, status, reason, shard) DO UPDATE SET n = c.n + excluded.n
    )
    INSERT INTO run_minutes AS m (run_id, minute, shard, n)
    SELECT run_id, date_trunc('minute', updated_at), sh, sum(d) FROM d
    WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL
    GROUP BY run_id, date_trunc('minute', updated_at) HAVING sum(d) <> 0
    ORDER BY 1, 2
    ON CONFLICT (run_id, minute, shard) DO UPDATE SET n = m.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION run_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sh smallint := (pg_backend_pid() % 32)::smallint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
    WITH d AS (
        SELECT run_id, channel, status, reason, updated_at, 1 AS d FROM new_rows
        UNION ALL
        SELECT run_id, channel, status, reason, updated_at, -1 AS d FROM old_rows
    ), c AS (
        INSERT INTO run_counts AS c (run_id, channel, status, reason, shard, n)
        SELECT run_id, channel, status, reason, sh, sum(d) FROM d
        GROUP BY run_id, channel, status, reason HAVING sum(d) <> 0
        ORDER BY run_id, channel, status, reason
        ON CONFLICT (run_id, channel, status, reason, shard) DO UPDATE SET n = c.n + excluded.n
    )
    INSERT INTO run_minutes AS m (run_id, minute, shard, n)
    SELECT run_id, date_trunc('minute', updated_at), sh, sum(d) FROM d
    WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL
    GROUP BY run_id, date_trunc('minute', updated_at) HAVING sum(d) <> 0
    ORDER BY 1, 2
    ON CONFLICT (run_id, minute, shard) DO UPDATE SET n = m.n + excluded.n;
    ELSIF TG_OP = 'INSERT' THEN
    WITH d AS (
        SELECT run_id, channel, status, reason, updated_at, 1 AS d FROM new_rows
    ), c AS (
        INSERT INTO run_counts AS c (run_id, channel, status, reason, shard, n)
        SELECT run_id, channel, status, reason, sh, sum(d) FROM d
        GROUP BY run_id, channel, status, reason HAVING sum(d) <> 0
        ORDER BY run_id, channel, status, reason
        ON CONFLICT (run_id, channel, status, reason, shard) DO UPDATE SET n = c.n + excluded.n
    )
    INSERT INTO run_minutes AS m (run_id, minute, shard, n)
    SELECT run_id, date_trunc('minute', updated_at), sh, sum(d) FROM d
    WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL
    GROUP BY run_id, date_trunc('minute', updated_at) HAVING sum(d) <> 0
    ORDER BY 1, 2
    ON CONFLICT (run_id, minute, shard) DO UPDATE SET n = m.n + excluded.n;
    ELSE
    WITH d AS (
        SELECT run_id, channel, status, reason, updated_at, -1 AS d FROM old_rows o
            WHERE EXISTS (SELECT 1 FROM runs r WHERE r.id = o.run_id) -- not a run being deleted
    ), c AS (
        INSERT INTO run_counts AS c (run_id, channel, status, reason, shard, n)
        SELECT run_id, channel, status, reason, sh, sum(d) FROM d
        GROUP BY run_id, channel, status, reason HAVING sum(d) <> 0
        ORDER BY run_id, channel, status, reason
        ON CONFLICT (run_id, channel, status, reason, shard) DO UPDATE SET n = c.n + excluded.n
    )
    INSERT INTO run_minutes AS m (run_id, minute, shard, n)
    SELECT run_id, date_trunc('minute', updated_at), sh, sum(d) FROM d
    WHERE status NOT IN ('pending', 'sending') AND updated_at IS NOT NULL
    GROUP BY run_id, date_trunc('minute', updated_at) HAVING sum(d) <> 0
    ORDER BY 1, 2
    ON CONFLICT (run_id, minute, shard) DO UPDATE SET n = m.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
DROP TRIGGER runs_delete_deliveries ON runs;
DROP FUNCTION runs_delete_deliveries();
DROP TRIGGER deliveries_run_upd ON deliveries;
DROP TRIGGER deliveries_run_ins ON deliveries;
DROP FUNCTION deliveries_run_check();
ALTER TABLE deliveries ADD CONSTRAINT deliveries_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE;
CREATE INDEX deliveries_open_idx ON deliveries (run_id, batch) WHERE status IN ('pending', 'sending');
DROP INDEX deliveries_batch_idx;
ALTER TABLE deliveries RESET (fillfactor);
