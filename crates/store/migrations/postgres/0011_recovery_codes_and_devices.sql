-- Recovery codes (look-up secrets: only keyed hashes) and remembered devices (only token hashes).
CREATE TABLE mfa_recovery_codes (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,          -- keyed hash of the code, bound to the user
    created_at BIGINT NOT NULL,
    used_at    BIGINT                 -- set once, by the sign-in that used it
);
CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id);

CREATE TABLE remembered_devices (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE, -- SHA-256 of the cookie's token
    user_agent   TEXT,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX remembered_devices_user ON remembered_devices (user_id);
