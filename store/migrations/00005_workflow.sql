-- The broadcast workflow (package broadcast) keeps on the row what its rules
-- need, so they are checked on the locked row and hold for every front end:
--
--  * who last changed the content, the audience or the schedule: under the
--    two-person rule that actor (a staff member, or the operator at the
--    console) cannot approve it;
--  * why a broadcast was sent back, for its author;
--  * a yearly campaign paused for the year: when it comes back;
--  * what a cancelled broadcast was before, so a yearly campaign's cancel can
--    be undone before its next occurrence.
--
-- (Numbered 00004: 00003 is the channel model's, written in parallel.)

-- +goose Up
ALTER TABLE broadcasts
    ADD COLUMN changed_by_kind text NOT NULL DEFAULT 'system' CHECK (changed_by_kind IN ('staff', 'cli', 'system')),
    ADD COLUMN changed_by      bigint REFERENCES staff (id),
    ADD COLUMN reject_reason   text NOT NULL DEFAULT '' CHECK (length(reject_reason) <= 1000),
    ADD COLUMN paused_until    timestamptz,
    ADD COLUMN cancelled_at    timestamptz,
    ADD COLUMN cancelled_from  text CHECK (cancelled_from IN ('draft', 'submitted', 'approved')),
    ADD COLUMN cancelled_next_run_at timestamptz;

-- Broadcasts written before this migration: their last change is the newest
-- create, update or schedule in the audit log (the seeded draft stays Loa's own).
UPDATE broadcasts b SET changed_by_kind = a.actor_kind, changed_by = a.staff_id
FROM (SELECT DISTINCT ON (object_id) object_id, actor_kind, staff_id FROM audit_log
      WHERE object_type = 'broadcast' AND action IN ('broadcast.create', 'broadcast.update', 'broadcast.schedule')
      ORDER BY object_id, id DESC) a
WHERE b.id::text = a.object_id;
UPDATE broadcasts SET cancelled_at = updated_at WHERE status = 'cancelled';

ALTER TABLE broadcasts
    ADD CONSTRAINT broadcasts_changed_by_check CHECK ((changed_by_kind = 'staff') = (changed_by IS NOT NULL)),
    ADD CONSTRAINT broadcasts_cancelled_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    ADD CONSTRAINT broadcasts_paused_check CHECK (paused_until IS NULL OR repeat_month IS NOT NULL);

-- +goose Down
ALTER TABLE broadcasts DROP COLUMN changed_by_kind, DROP COLUMN changed_by, DROP COLUMN reject_reason,
    DROP COLUMN paused_until, DROP COLUMN cancelled_at, DROP COLUMN cancelled_from, DROP COLUMN cancelled_next_run_at;
