-- Issue 13: claims large enough for speed, yet after a crash only what was
-- in flight is unknown. A claim is a lease on some of a batch's rows, held
-- by one live sender and renewed while it works; its journal says how far
-- the sender got (rows of the claim up to `attempted`, by subscriber id, may
-- have been sent). When the lease runs out (the worker died), rows up to
-- the journal become 'unknown' and the rest go back to 'pending'.

-- +goose Up
CREATE TABLE claims (
    id          bigserial PRIMARY KEY,
    run_id      bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    batch       integer NOT NULL,
    attempted   bigint NOT NULL DEFAULT 0,
    lease_until timestamptz NOT NULL
);
CREATE INDEX claims_lease_idx ON claims (lease_until);
-- the claim a row in 'sending' belongs to (NULL: none, or claimed before claims existed)
ALTER TABLE deliveries ADD COLUMN claim bigint;

-- +goose Down
ALTER TABLE deliveries DROP COLUMN claim;
DROP TABLE claims;
