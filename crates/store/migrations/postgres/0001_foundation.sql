-- Times are Unix seconds (BIGINT) in both backends so one set of queries serves both.
CREATE TABLE portal_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('policyholder', 'adjuster', 'support', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_level      TEXT NOT NULL,
    csrf_token      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    mfa_verified_at BIGINT,
    ip              TEXT,
    user_agent      TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE throttles (
    key        TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    failures   BIGINT NOT NULL
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE audit_log (
    seq        BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor      TEXT,
    subject_id TEXT,
    subject    TEXT,
    action     TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    ip         TEXT,
    user_agent TEXT,
    details    TEXT NOT NULL
);
CREATE INDEX audit_subject ON audit_log (subject_id, seq);
CREATE INDEX audit_action ON audit_log (action, seq);

-- The audit log is append-only: the database itself refuses edits and deletes.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
