-- Photos and receipts on inventory items (issue 5). The bytes live in the file store under
-- <claim_id>/<id>.<ext> (and <claim_id>/<id>-thumb.jpg for photos); this row is what makes a
-- file reachable; seq_no orders a claim's attachments by upload. Rows go with their item
-- (ON DELETE CASCADE); the portal removes the files.
CREATE TABLE claim_attachments (
    id            TEXT PRIMARY KEY,
    claim_id      TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    item_id       TEXT NOT NULL REFERENCES claim_items (id) ON DELETE CASCADE,
    seq_no        INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('jpeg', 'png', 'pdf')),
    file_name     TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL CHECK (size_bytes > 0),
    sha256        TEXT NOT NULL,
    has_thumbnail INTEGER NOT NULL,
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX claim_attachments_claim ON claim_attachments (claim_id, seq_no);
CREATE INDEX claim_attachments_item ON claim_attachments (item_id);
