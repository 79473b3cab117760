-- The console's broadcast pages (issue 10). An approver's page shows what
-- changed since the broadcast was last submitted: it reads the broadcast's
-- own audit rows, newest first, which without this index is a scan of the
-- whole append-only log.

-- +goose Up
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);

-- +goose Down
DROP INDEX audit_log_object_idx;
