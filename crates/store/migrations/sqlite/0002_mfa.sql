-- Multi-factor authentication: factors, texted-code challenges, send log, second-factor throttle.
ALTER TABLE users ADD COLUMN mfa_deadline TEXT;        -- YYYY-MM-DD set by support, else NULL
ALTER TABLE users ADD COLUMN mfa_preferred TEXT;       -- the method used last: 'totp' | 'sms'

CREATE TABLE mfa_factors (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method       TEXT NOT NULL CHECK (method IN ('totp', 'sms')),
    secret_enc   BLOB,                -- TOTP secret, encrypted with the portal key
    phone        TEXT,                -- SMS: E.164
    created_at   INTEGER NOT NULL,
    confirmed_at INTEGER,             -- NULL while a setup is pending
    last_step    INTEGER,             -- TOTP: the last accepted time step (replay guard)
    last_used_at INTEGER
);
CREATE INDEX mfa_factors_user ON mfa_factors (user_id);
CREATE UNIQUE INDEX mfa_factors_one_confirmed_per_method ON mfa_factors (user_id, method) WHERE confirmed_at IS NOT NULL;

CREATE TABLE sms_challenges (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id  TEXT NOT NULL,        -- hash of the session the code was sent for
    purpose     TEXT NOT NULL CHECK (purpose IN ('setup', 'login')),
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,        -- keyed hash; the code itself is never stored
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    wrong_tries INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER,
    voided      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sms_challenges_session ON sms_challenges (session_id, created_at);

CREATE TABLE sms_sends (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   TEXT NOT NULL,
    phone_key TEXT NOT NULL,          -- keyed hash of the E.164 number
    ip        TEXT,
    sent_at   INTEGER NOT NULL
);
CREATE INDEX sms_sends_phone ON sms_sends (phone_key, sent_at);
CREATE INDEX sms_sends_user ON sms_sends (user_id, sent_at);
CREATE INDEX sms_sends_ip ON sms_sends (ip, sent_at);

CREATE TABLE mfa_throttles (
    user_id      TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures     INTEGER NOT NULL,
    paused_until INTEGER,
    locked       INTEGER NOT NULL DEFAULT 0
);
