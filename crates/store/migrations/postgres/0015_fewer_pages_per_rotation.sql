-- Only rotated sessions have an old id to find, so only they are indexed by it: a new session
-- adds nothing to this index, and its first rotation removes nothing from it (one page fewer
-- written per second-factor check on SQLite).
DROP INDEX sessions_replaced_id_hash;
CREATE INDEX sessions_replaced_id_hash ON sessions (replaced_id_hash) WHERE replaced_id_hash IS NOT NULL;
