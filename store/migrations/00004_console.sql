-- The browser console's sign-in: staff credentials (argon2id password hash,
-- TOTP second factor, one-time recovery codes), one-time set-password links,
-- the failure counters behind the lock-out, and the session table that
-- alexedwards/scs's postgresstore reads and writes. API tokens are untouched:
-- the console is a second way in, not a replacement.

-- +goose Up
CREATE TABLE console_credentials (
    staff_id        bigint PRIMARY KEY REFERENCES staff (id),
    -- what staff type to sign in: lower case, no spaces
    login           text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._@+-]{1,99}$'),
    -- PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash; NULL until the link is used
    password_hash   text CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    password_set_at timestamptz,
    totp_secret     text,
    totp_enabled_at timestamptz,
    -- the last 30-second step accepted, so a code cannot be replayed
    totp_last_step  bigint NOT NULL DEFAULT 0,
    CHECK ((totp_enabled_at IS NULL) = (totp_secret IS NULL))
);

-- One-time links to set (or reset) a password; only the SHA-256 is stored.
CREATE TABLE console_password_links (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    staff_id   bigint NOT NULL REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX console_password_links_staff_idx ON console_password_links (staff_id);

-- Recovery codes for a lost authenticator, each usable once (SHA-256 only).
CREATE TABLE console_recovery_codes (
    staff_id  bigint NOT NULL REFERENCES staff (id),
    code_hash bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (staff_id, code_hash)
);

-- Failed sign-ins per key ('login:NAME' or 'ip:ADDRESS') within a window,
-- and the time a key is locked until.
CREATE TABLE console_login_failures (
    key          text PRIMARY KEY CHECK (length(key) <= 200),
    failures     integer NOT NULL,
    first_at     timestamptz NOT NULL,
    locked_until timestamptz
);

-- alexedwards/scs postgresstore, with the table name the console passes it.
CREATE TABLE console_sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry_idx ON console_sessions (expiry);

-- +goose Down
DROP TABLE console_sessions;
DROP TABLE console_login_failures;
DROP TABLE console_recovery_codes;
DROP TABLE console_password_links;
DROP TABLE console_credentials;
