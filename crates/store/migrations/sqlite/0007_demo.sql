-- Accounts created for a local trial (1) rather than for a real person (0): shown as "Demo" in
-- the console and removed, with their claims, by `inventory-portal user remove-demo`.
ALTER TABLE users ADD COLUMN is_demo INTEGER NOT NULL DEFAULT 0;
