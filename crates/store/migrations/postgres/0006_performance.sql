-- When a refused second-factor attempt on a paused or locked account was last audited (Unix
-- seconds). Refusals are audited at most once per account per minute, so an attacker hammering
-- a locked account no longer costs a database write and an audit row per request.
ALTER TABLE mfa_throttles ADD COLUMN refusal_audited_at BIGINT;
