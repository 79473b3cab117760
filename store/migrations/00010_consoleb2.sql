-- The console's member, FAQ and audit pages: uploaded member files kept
-- between the dry run and the import (and the import's result, so any web
-- process can show it), forms saved when a session expired mid-form (so the
-- person gets them back after signing in again), and the indexes the audit
-- log's filters page by.

-- +goose Up
CREATE TABLE console_uploads (
    id          bigserial PRIMARY KEY,
    staff_id    bigint NOT NULL REFERENCES staff (id),
    agency_id   bigint NOT NULL REFERENCES agencies (id),
    filename    text NOT NULL DEFAULT '' CHECK (length(filename) <= 200),
    data        bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    -- store.ImportResult as JSON, or {"error": "..."}
    result      jsonb
);
CREATE INDEX console_uploads_created_idx ON console_uploads (created_at);

-- One-time: only the SHA-256 of the token is stored; read once, then deleted.
CREATE TABLE console_saved_forms (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    path       text NOT NULL,
    form       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX audit_log_staff_idx ON audit_log (staff_id, id) WHERE staff_id IS NOT NULL;
-- audit_log_object_idx (the filter by broadcast) comes with 00009

-- the member list's keyset order, and residents who joined off the list
CREATE INDEX pending_members_list_idx ON pending_members (agency_id, full_name, id);
CREATE INDEX pending_members_name_trgm_idx ON pending_members USING gin (lower(full_name) gin_trgm_ops);
-- residents who joined are searched by their Telegram/Zalo first name
CREATE INDEX subscribers_first_name_trgm_idx ON subscribers USING gin (lower(first_name) gin_trgm_ops);
CREATE INDEX pending_members_matched_idx ON pending_members (agency_id, matched_subscriber_id)
    WHERE matched_subscriber_id IS NOT NULL;

-- the FAQ inbox: groups counted in index order, without reading the table,
-- and each group's latest wording
CREATE INDEX question_log_unanswered_at_idx ON question_log (normalized, at) INCLUDE (locale, outcome)
    WHERE outcome <> 'answered';

-- A one-time sign-in code the bot sent to a staff member's linked Telegram
-- chat (the alternative to TOTP): its SHA-256, one per staff member, short-lived.
CREATE TABLE console_chat_codes (
    staff_id   bigint PRIMARY KEY REFERENCES staff (id),
    code_hash  bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE console_chat_codes;
DROP INDEX question_log_unanswered_at_idx;
DROP INDEX pending_members_matched_idx;
DROP INDEX subscribers_first_name_trgm_idx;
DROP INDEX pending_members_name_trgm_idx;
DROP INDEX pending_members_list_idx;
DROP INDEX audit_log_staff_idx;
DROP TABLE console_saved_forms;
DROP TABLE console_uploads;
