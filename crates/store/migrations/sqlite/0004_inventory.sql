-- The loss inventory (issue 5): claims, their items, and each claim's status history.
-- Ids are random 128-bit hex; money is integer cents; times are Unix seconds.
CREATE TABLE claims (
    id              TEXT PRIMARY KEY,
    claim_number    TEXT NOT NULL UNIQUE,
    loss_date       TEXT NOT NULL,
    loss_address    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'in_review', 'closed')),
    policyholder_id TEXT NOT NULL REFERENCES users (id),
    adjuster_id     TEXT NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX claims_policyholder ON claims (policyholder_id, created_at);
CREATE INDEX claims_adjuster ON claims (adjuster_id, status, created_at);

CREATE TABLE claim_items (
    id               TEXT PRIMARY KEY,
    claim_id         TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    seq_no           INTEGER NOT NULL,
    description      TEXT NOT NULL,
    brand            TEXT NOT NULL,
    model            TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    age_years        INTEGER NOT NULL CHECK (age_years >= 0),
    age_months       INTEGER NOT NULL CHECK (age_months BETWEEN 0 AND 11),
    item_condition   TEXT NOT NULL,
    cost_cents       INTEGER NOT NULL CHECK (cost_cents BETWEEN 0 AND 1000000000),
    business_use     INTEGER NOT NULL,
    room             TEXT NOT NULL,
    category         TEXT NOT NULL,
    notes            TEXT NOT NULL,
    adjuster_comment TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX claim_items_claim ON claim_items (claim_id, seq_no);

CREATE TABLE claim_status_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id    TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX claim_status_history_claim ON claim_status_history (claim_id, seq);
