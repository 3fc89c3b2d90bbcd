-- Limits are reservations taken before the work they limit.
-- When a refused attempt against a counter was last audited, so refusals are audited at most
-- once per counter per minute (an attacker cannot flood the audit log without signing in).
ALTER TABLE throttles ADD COLUMN refusal_audited_at INTEGER;
-- Code checks in flight for the account: a guess takes a slot before its code is compared, so
-- parallel guesses cannot pass the pause after five wrong codes. Slots older than
-- `reserved_until` are stale (a crashed request) and no longer count.
ALTER TABLE mfa_throttles ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mfa_throttles ADD COLUMN reserved_until INTEGER;
-- The id a session had before its last rotation (a second-factor check or step-up gives it a
-- new one). A sign-out sent with the old cookie while the rotation was in flight still ends it.
ALTER TABLE sessions ADD COLUMN replaced_id_hash TEXT;
-- When it was rotated: the old id reaches the session only for a short while after.
ALTER TABLE sessions ADD COLUMN replaced_at INTEGER;
CREATE INDEX sessions_replaced_id_hash ON sessions (replaced_id_hash);
