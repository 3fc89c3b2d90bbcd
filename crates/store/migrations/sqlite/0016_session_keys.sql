-- A session is found by a key that its rotations keep, and its secret's hash is a column beside
-- it (`crates/store/src/queries.rs`, "sessions"): a second factor's rotation rewrites the row in
-- place instead of moving it to a new place in the index by id and noting the old id in an index
-- of its own. Cookies issued before hold no key, so the sessions they name end here: everyone
-- signs in again once.
DROP TABLE sessions;
CREATE TABLE sessions (
    session_key          TEXT NOT NULL PRIMARY KEY,
    secret_hash          TEXT NOT NULL,
    user_id              TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_level           TEXT NOT NULL,
    csrf_token           TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    last_seen_at         INTEGER NOT NULL,
    mfa_verified_at      INTEGER,
    ip                   TEXT,
    user_agent           TEXT,
    -- The secret before the last rotation, and when that was: a sign-out sent with the cookie of
    -- a moment before still ends the session, for a short while.
    replaced_secret_hash TEXT,
    replaced_at          INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);
