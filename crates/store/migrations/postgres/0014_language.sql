-- The language a user reads the portal in ('en' or 'es'); NULL until they choose one or first
-- sign in. Reminder emails, sent with no request to take a language from, use it.
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('en', 'es'));
