-- Issue 13: a claim's journal moves to Redis (jobs/journal.go), where a
-- row is journaled on its own right before it is sent; PostgreSQL keeps
-- the claim's lease and the token of its journal key. After a crash only
-- the rows being sent are unknown, and no UPDATE of claims runs per step
-- of sending. A claim from before has token 0: no journal, so every row
-- it still holds is unknown, never sent twice. journal_epoch is the run_id
-- of the Redis server that holds the journal: a Redis restarted since
-- (which may have restored an older value from a snapshot) cannot be
-- trusted, and then every row the claim holds is unknown too.
--
-- Deploy order: stop the old workers before migrating; an old worker's
-- journal UPDATE fails on the dropped column (its rows wait for the sweeper,
-- nothing is sent twice).

-- +goose Up
ALTER TABLE claims DROP COLUMN attempted;
ALTER TABLE claims ADD COLUMN journal bigint NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN journal_epoch text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE claims DROP COLUMN journal_epoch;
ALTER TABLE claims DROP COLUMN journal;
ALTER TABLE claims ADD COLUMN attempted bigint NOT NULL DEFAULT 0;
