-- Support console: when each user last completed sign-in.
ALTER TABLE users ADD COLUMN last_login_at BIGINT;
CREATE INDEX users_role ON users (role, email);
