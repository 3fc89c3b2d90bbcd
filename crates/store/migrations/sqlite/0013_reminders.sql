-- Deadline reminders, each claimed here before its email is sent (one row per user, reminder and
-- deadline), so several instances or a second run send it once.
CREATE TABLE mfa_reminders (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,     -- 14_days, 7_days, 1_day, after_support
    deadline   TEXT NOT NULL,     -- YYYY-MM-DD
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, deadline)
);

-- When support last set mfa_deadline: a reminder follows on the next day.
ALTER TABLE users ADD COLUMN mfa_deadline_set_at INTEGER;
