-- Loa's whole data model. Forward-only: later changes come as new files.
-- Constraints carry the rules so that invalid rows cannot be written by any process.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Places ------------------------------------------------------------------

-- Current administrative units: a city and its wards/communes (two-level
-- government since 1 July 2025). Other cities load theirs the same way.
CREATE TABLE localities (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    parent_id   bigint REFERENCES localities (id),
    kind        text NOT NULL CHECK (kind IN ('city', 'ward', 'commune')),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_ascii  text NOT NULL CHECK (btrim(name_ascii) <> ''),
    -- name without its kind word, folded (no diacritics, lower case), for search
    search_name text NOT NULL CHECK (btrim(search_name) <> ''),
    gso_code    text CHECK (gso_code ~ '^[0-9]{2,5}$'),
    source      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'city') = (parent_id IS NULL))
);
CREATE INDEX localities_parent_idx ON localities (parent_id);

-- Units that existed before the 2025 reorganisation: districts and the
-- wards/communes inside them, kept so residents can use the names they know.
CREATE TABLE former_units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    city_id     bigint NOT NULL REFERENCES localities (id),
    district_id bigint REFERENCES former_units (id),
    kind        text NOT NULL CHECK (kind IN ('urban_district', 'rural_district', 'town',
                                              'ward', 'commune', 'township')),
    name_vi     text NOT NULL CHECK (btrim(name_vi) <> ''),
    search_name text NOT NULL CHECK (btrim(search_name) <> ''),
    source      text NOT NULL DEFAULT '',
    -- a district has no district; every ward/commune/township has one
    CHECK ((kind IN ('urban_district', 'rural_district', 'town')) = (district_id IS NULL))
);
CREATE INDEX former_units_district_idx ON former_units (district_id);

-- Which current unit took over (all or part of) which former unit.
CREATE TABLE locality_former_units (
    locality_id    bigint NOT NULL REFERENCES localities (id) ON DELETE CASCADE,
    former_unit_id bigint NOT NULL REFERENCES former_units (id) ON DELETE CASCADE,
    relation       text NOT NULL CHECK (relation IN ('whole', 'part', 'part_area_all_population',
                                                     'part_area_only', 'remainder', 'district')),
    -- 0 = the main contributor (districts), used to rank results
    rank           smallint NOT NULL DEFAULT 0 CHECK (rank >= 0),
    clause         smallint CHECK (clause > 0),
    PRIMARY KEY (locality_id, former_unit_id)
);
CREATE INDEX locality_former_units_former_idx ON locality_former_units (former_unit_id);

-- Agencies ----------------------------------------------------------------

CREATE TABLE agencies (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    parent_id  bigint REFERENCES agencies (id),
    name_vi    text NOT NULL CHECK (btrim(name_vi) <> ''),
    name_en    text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    source     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX agencies_parent_idx ON agencies (parent_id);

-- A longer cycle (A under B under A) is refused too: the hierarchy stays a tree.
-- +goose StatementBegin
CREATE FUNCTION agencies_no_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND EXISTS (
        WITH RECURSIVE up(id) AS (
            SELECT NEW.parent_id
            UNION
            SELECT a.parent_id FROM agencies a JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL
        ) SELECT 1 FROM up WHERE id = NEW.id
    ) THEN
        RAISE EXCEPTION 'agency % would be its own ancestor', NEW.code USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER agencies_no_cycle BEFORE INSERT OR UPDATE OF parent_id ON agencies
    FOR EACH ROW EXECUTE FUNCTION agencies_no_cycle();

-- Residents ---------------------------------------------------------------

-- One row per person per channel. 'new' = has talked to the bot but never
-- subscribed: they get answers, never campaigns.
CREATE TABLE subscribers (
    id              bigserial PRIMARY KEY,
    channel         text NOT NULL CHECK (channel IN ('telegram', 'zalo')),
    external_id     text NOT NULL CHECK (external_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    -- where to send: Telegram chat id (changes when a group migrates)
    chat_id         bigint,
    first_name      text NOT NULL DEFAULT '' CHECK (length(first_name) <= 256),
    locale          text NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en')),
    locality_id     bigint REFERENCES localities (id) ON DELETE SET NULL,
    status          text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'unsubscribed', 'blocked')),
    consent_at      timestamptz,
    -- keyed hash (HMAC-SHA256) of the phone the resident chose to share
    phone_hash      bytea CHECK (octet_length(phone_hash) = 32),
    status_reason   text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, external_id),
    CHECK (status <> 'active' OR consent_at IS NOT NULL),
    CHECK (channel <> 'telegram' OR chat_id IS NOT NULL)
);
-- audience freezing reads active subscribers by place and language
CREATE INDEX subscribers_audience_idx ON subscribers (locality_id, locale, id) WHERE status = 'active';
CREATE INDEX subscribers_phone_idx ON subscribers (phone_hash) WHERE phone_hash IS NOT NULL;

-- Agency member lists ---------------------------------------------------------

-- Residents who have joined an agency's list (invite link or phone match).
CREATE TABLE agency_members (
    agency_id     bigint NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    via           text NOT NULL CHECK (via IN ('invite', 'phone', 'staff')),
    joined_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_id, subscriber_id)
);
CREATE INDEX agency_members_subscriber_idx ON agency_members (subscriber_id);

-- One CSV import of a member list, kept for the report and for idempotency.
CREATE TABLE member_imports (
    id           bigserial PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    file_sha256  bytea NOT NULL CHECK (octet_length(file_sha256) = 32),
    filename     text NOT NULL DEFAULT '',
    rows_total   integer NOT NULL CHECK (rows_total >= 0),
    rows_added   integer NOT NULL CHECK (rows_added >= 0),
    rows_updated integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
    created_by   bigint,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- People an agency imported, known by a keyed hash of their phone only.
CREATE TABLE pending_members (
    id                    bigserial PRIMARY KEY,
    agency_id             bigint NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    phone_hash            bytea NOT NULL CHECK (octet_length(phone_hash) = 32),
    -- last digits only, so staff can tell rows apart without the number
    phone_hint            text NOT NULL DEFAULT '' CHECK (phone_hint ~ '^[0-9]{0,4}$'),
    full_name             text NOT NULL CHECK (btrim(full_name) <> '' AND length(full_name) <= 200),
    position              text NOT NULL DEFAULT '' CHECK (length(position) <= 200),
    locality_id           bigint REFERENCES localities (id) ON DELETE SET NULL,
    import_id             bigint REFERENCES member_imports (id) ON DELETE SET NULL,
    matched_subscriber_id bigint REFERENCES subscribers (id) ON DELETE SET NULL,
    matched_at            timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, phone_hash),
    CHECK ((matched_subscriber_id IS NULL) OR (matched_at IS NOT NULL))
);
CREATE INDEX pending_members_phone_idx ON pending_members (phone_hash);

-- Staff ------------------------------------------------------------------------

CREATE TABLE staff (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    role             text NOT NULL CHECK (role IN ('admin', 'editor', 'approver', 'agency_manager', 'viewer')),
    agency_id        bigint REFERENCES agencies (id),
    telegram_user_id bigint UNIQUE,
    disabled_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- an agency manager is scoped to exactly one agency; nobody else is
    CHECK ((role = 'agency_manager') = (agency_id IS NOT NULL))
);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    staff_id     bigint NOT NULL REFERENCES staff (id),
    -- SHA-256 of the token; the token itself is shown once and never stored
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    prefix       text NOT NULL CHECK (prefix ~ '^[A-Za-z0-9_]{4,16}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_staff_idx ON api_tokens (staff_id);

-- One-time codes that link a staff member to their Telegram account.
CREATE TABLE staff_link_codes (
    code_hash  bytea PRIMARY KEY CHECK (octet_length(code_hash) = 32),
    staff_id   bigint NOT NULL REFERENCES staff (id),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

-- Append-only: see the trigger below.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    staff_id    bigint REFERENCES staff (id),
    -- 'staff', 'cli' (operator at the console), 'system'
    actor_kind  text NOT NULL CHECK (actor_kind IN ('staff', 'cli', 'system')),
    action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    object_type text NOT NULL,
    object_id   text NOT NULL DEFAULT '',
    before      jsonb,
    after       jsonb,
    request_id  text NOT NULL DEFAULT '',
    CHECK ((actor_kind = 'staff') = (staff_id IS NOT NULL))
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Signed invite links are verified by signature; this row lets staff list and revoke them.
CREATE TABLE invites (
    id          bigserial PRIMARY KEY,
    agency_id   bigint REFERENCES agencies (id) ON DELETE CASCADE,
    locality_id bigint REFERENCES localities (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    created_by  bigint REFERENCES staff (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((agency_id IS NULL) <> (locality_id IS NULL))
);

-- Retried API requests with the same Idempotency-Key get the first answer.
CREATE TABLE idempotency_keys (
    staff_id     bigint NOT NULL REFERENCES staff (id),
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    status       smallint NOT NULL,
    response     jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (staff_id, key)
);

-- Broadcasts -------------------------------------------------------------------------

CREATE TABLE broadcasts (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    -- messages.Content: a variant per locale ('vi' required)
    content      jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object' AND content ? 'variants'
                                       AND content -> 'variants' ? 'vi'),
    -- localities, former districts, agencies, languages, channels; empty = everyone
    audience     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(audience) = 'object'),
    -- set when an agency manager wrote it: it may reach only that agency's members
    agency_id    bigint REFERENCES agencies (id),
    status       text NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'submitted', 'approved', 'cancelled', 'finished')),
    send_at      timestamptz,
    -- yearly recurrence, in timezone: month/day hour:minute
    repeat_month smallint CHECK (repeat_month BETWEEN 1 AND 12),
    repeat_day   smallint CHECK (repeat_day BETWEEN 1 AND 31),
    repeat_hour  smallint CHECK (repeat_hour BETWEEN 0 AND 23),
    repeat_min   smallint CHECK (repeat_min BETWEEN 0 AND 59),
    timezone     text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    -- when the scheduler must start the next run; NULL = nothing due
    next_run_at  timestamptz,
    created_by   bigint REFERENCES staff (id),
    submitted_at timestamptz,
    approved_by  bigint REFERENCES staff (id),
    approved_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- the four recurrence fields go together
    CHECK ((repeat_month IS NULL) = (repeat_day IS NULL) AND (repeat_day IS NULL) = (repeat_hour IS NULL)
           AND (repeat_hour IS NULL) = (repeat_min IS NULL)),
    -- once or yearly, not both
    CHECK (send_at IS NULL OR repeat_month IS NULL),
    CHECK (status NOT IN ('approved', 'finished') OR approved_at IS NOT NULL),
    CHECK (status <> 'submitted' OR submitted_at IS NOT NULL),
    -- only an approved broadcast can be due
    CHECK (next_run_at IS NULL OR status = 'approved')
);
CREATE INDEX broadcasts_due_idx ON broadcasts (next_run_at) WHERE next_run_at IS NOT NULL;

-- One send of a broadcast (a yearly broadcast has one run a year).
CREATE TABLE runs (
    id           bigserial PRIMARY KEY,
    broadcast_id bigint NOT NULL REFERENCES broadcasts (id),
    -- the occurrence this run is for: two schedulers cannot start it twice
    occurrence   timestamptz NOT NULL,
    status       text NOT NULL DEFAULT 'planning'
                 CHECK (status IN ('planning', 'sending', 'paused', 'cancelled', 'done')),
    -- content and audience as they were when the run started
    content      jsonb NOT NULL,
    audience     jsonb NOT NULL,
    -- a test send to one staff member's chat, not to the audience
    test_chat_id bigint,
    total        integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    batches      integer NOT NULL DEFAULT 0 CHECK (batches >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    UNIQUE (broadcast_id, occurrence),
    CHECK (status NOT IN ('done', 'cancelled') OR finished_at IS NOT NULL)
);
CREATE INDEX runs_status_idx ON runs (status) WHERE status IN ('planning', 'sending', 'paused');

-- One row per (run, recipient), written in bulk when the run freezes its audience.
-- No foreign key to subscribers: checking one per row would slow a million-row
-- freeze, and /forget deletes a resident's rows itself.
CREATE TABLE deliveries (
    run_id        bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    subscriber_id bigint NOT NULL,
    batch         integer NOT NULL CHECK (batch >= 0),
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'skipped', 'unknown')),
    reason        text NOT NULL DEFAULT '',
    attempts      smallint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    updated_at    timestamptz,
    PRIMARY KEY (run_id, subscriber_id)
);
CREATE INDEX deliveries_batch_idx ON deliveries (run_id, batch);
CREATE INDEX deliveries_subscriber_idx ON deliveries (subscriber_id);

-- FAQ ----------------------------------------------------------------------------------

-- Entries curated by staff; the files in locales/faq are the starting content.
CREATE TABLE faq_entries (
    id         bigserial PRIMARY KEY,
    key        text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    locale     text NOT NULL CHECK (locale IN ('vi', 'en')),
    topic      text NOT NULL CHECK (topic ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    questions  text[] NOT NULL CHECK (cardinality(questions) BETWEEN 1 AND 50),
    answer     text NOT NULL CHECK (btrim(answer) <> '' AND length(answer) <= 3000),
    source     text NOT NULL CHECK (btrim(source) <> ''),
    related    text[] NOT NULL DEFAULT '{}',
    status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    updated_by bigint REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (key, locale)
);

-- Every question asked, with what it matched; purged after a configured number of days.
CREATE TABLE question_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    subscriber_id bigint REFERENCES subscribers (id) ON DELETE CASCADE,
    locale        text NOT NULL CHECK (locale IN ('vi', 'en')),
    question      text NOT NULL CHECK (length(question) <= 4096),
    normalized    text NOT NULL,
    entry_key     text,
    score         real NOT NULL CHECK (score >= 0),
    outcome       text NOT NULL CHECK (outcome IN ('answered', 'suggested', 'fallback')),
    feedback      smallint CHECK (feedback IN (-1, 1)),
    CHECK ((outcome = 'fallback') = (entry_key IS NULL) OR outcome = 'suggested')
);
CREATE INDEX question_log_at_idx ON question_log (at);
CREATE INDEX question_log_unanswered_idx ON question_log (normalized) WHERE outcome <> 'answered';
CREATE INDEX question_log_subscriber_idx ON question_log (subscriber_id);

-- +goose Down
DROP TABLE question_log, faq_entries, deliveries, runs, broadcasts, idempotency_keys, invites,
    audit_log, staff_link_codes, api_tokens, staff, pending_members, member_imports,
    agency_members, subscribers, agencies, locality_former_units, former_units, localities;
DROP FUNCTION audit_log_append_only();
DROP FUNCTION agencies_no_cycle();
