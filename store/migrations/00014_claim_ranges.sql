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
-- such claim gets the range of its rows, so the sweeper takes them back
-- the new way (journaled rows unknown, the rest pending). Deploy order as
-- for 00013: stop the old workers before migrating.

-- +goose Up
ALTER TABLE claims ADD COLUMN lo bigint NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN hi bigint NOT NULL DEFAULT -1;
CREATE INDEX claims_batch_idx ON claims (run_id, batch);
UPDATE claims k SET lo = r.lo, hi = r.hi
FROM (SELECT claim, min(subscriber_id) AS lo, max(subscriber_id) AS hi
      FROM deliveries WHERE status = 'sending' AND claim IS NOT NULL GROUP BY claim) r
WHERE k.id = r.claim;
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
