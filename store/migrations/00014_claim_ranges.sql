-- Issue 13: a claim is a range, not a write on every row it holds.
--
-- A claim used to move each of its rows to 'sending' (one row version and
-- one trigger count per row) only to move it again when recorded: half of
-- PostgreSQL's writes per message. Now a claim is a row of claims naming
-- the subscriber ids it holds in its batch, lo to hi; its rows stay
-- 'pending' until recorded. The claims of one batch never overlap: a claim
-- is taken under a transaction-level advisory lock on (run, batch) and
-- skips the ranges of the live ones. A row recorded 'pending' (a transient
-- failure) carries its claim's id in deliveries.claim, so the sweeper can
-- tell it from a row its dead sender journaled and never recorded.
--
-- The claims of workers from before keep their rows 'sending'; those
-- rows go back to 'pending' here, with their attempt uncounted, and each
-- such claim gets the ranges of its rows, so the sweeper takes them back
-- the new way (journaled rows unknown, the rest pending). An old claim's
-- rows need not be a run of its batch's open rows (it took pending rows
-- in no order, beside other claims and rows given back), so it becomes
-- one claim per run of its rows with no other open row between them, all
-- under its journal (fenced once, read by each). Deploy order as for
-- 00013: stop the old workers before migrating.

-- +goose Up
ALTER TABLE claims ADD COLUMN lo bigint NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN hi bigint NOT NULL DEFAULT -1;
CREATE INDEX claims_batch_idx ON claims (run_id, batch);
WITH o AS (
    SELECT d.subscriber_id, d.status, d.claim,
        row_number() OVER (PARTITION BY d.run_id, d.batch ORDER BY d.subscriber_id)
        - row_number() OVER (PARTITION BY d.run_id, d.batch, CASE WHEN d.status = 'sending' THEN d.claim END
                             ORDER BY d.subscriber_id) AS island
    FROM deliveries d JOIN (SELECT DISTINCT run_id, batch FROM claims) c ON d.run_id = c.run_id AND d.batch = c.batch
    WHERE d.status IN ('pending', 'sending')
), piece AS (
    SELECT claim, min(subscriber_id) AS lo, max(subscriber_id) AS hi,
        row_number() OVER (PARTITION BY claim ORDER BY min(subscriber_id)) AS n
    FROM o WHERE status = 'sending' AND claim IS NOT NULL GROUP BY claim, island
), first AS (
    UPDATE claims k SET lo = p.lo, hi = p.hi FROM piece p WHERE k.id = p.claim AND p.n = 1
)
INSERT INTO claims (run_id, batch, lease_until, journal, journal_epoch, lo, hi)
SELECT k.run_id, k.batch, k.lease_until, k.journal, k.journal_epoch, p.lo, p.hi
FROM piece p JOIN claims k ON k.id = p.claim WHERE p.n > 1;
UPDATE deliveries SET status = 'pending', attempts = greatest(attempts - 1, 0), claim = NULL
WHERE status = 'sending' AND claim IS NOT NULL;

-- +goose Down
UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, claim = k.id
FROM claims k
WHERE d.run_id = k.run_id AND d.batch = k.batch AND d.subscriber_id BETWEEN k.lo AND k.hi
  AND d.status = 'pending';
DROP INDEX claims_batch_idx;
ALTER TABLE claims DROP COLUMN hi;
ALTER TABLE claims DROP COLUMN lo;
