-- Passkeys (WebAuthn credentials: public keys, no secrets) and the ceremonies already finished.
CREATE TABLE passkeys (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cred_id         TEXT NOT NULL UNIQUE,  -- base64url credential id: one account per credential
    name            TEXT NOT NULL,
    credential      TEXT NOT NULL,         -- webauthn-rs's Passkey as JSON (public key, counter, flags)
    counter         INTEGER NOT NULL,
    backup_eligible INTEGER NOT NULL,
    backup_state    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A ceremony's state travels sealed in a cookie; its id is claimed here by the transaction that
-- finishes it, so each ceremony finishes once. Rows go once the ceremony would have expired.
CREATE TABLE passkey_ceremonies_used (
    id         TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
