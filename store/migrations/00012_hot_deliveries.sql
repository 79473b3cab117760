-- Issue 13: a delivery row changes twice (claimed, then recorded), and each
-- change was a full new row version with a new entry in every index: the
-- partial open-rows index names status in its predicate, so no update of
-- status could be HOT. That was 6 WAL records per row per change and most
-- of PostgreSQL's CPU per message. A plain (run_id, batch) index names no
-- column that changes, and pages left a third free give the new versions
-- room beside the old, so claims and records rewrite rows in place (HOT).
-- What read the open index for "anything left?" reads the counters of
-- 00011 now (run_counts, kept exact in the same statements).

-- +goose Up
ALTER TABLE deliveries SET (fillfactor = 50);
CREATE INDEX deliveries_batch_idx ON deliveries (run_id, batch);
DROP INDEX deliveries_open_idx;

-- +goose Down
CREATE INDEX deliveries_open_idx ON deliveries (run_id, batch) WHERE status IN ('pending', 'sending');
DROP INDEX deliveries_batch_idx;
ALTER TABLE deliveries RESET (fillfactor);
