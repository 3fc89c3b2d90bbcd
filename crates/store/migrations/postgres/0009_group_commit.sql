-- A wrong code is counted only while the account is open, in the same step as the check (under
-- the user's row lock, and on SQLite in the one writer's queue), so codes no longer take a slot
-- before they are compared: the count of checks in flight is gone.
ALTER TABLE mfa_throttles DROP COLUMN reserved;
ALTER TABLE mfa_throttles DROP COLUMN reserved_until;
