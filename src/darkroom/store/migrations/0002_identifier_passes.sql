-- 0002: which files the identifier stage has read (and with which extractor version), so the
-- stage is incremental and re-runs when the extractor changes.

CREATE TABLE identifier_passes (
    file_id INTEGER PRIMARY KEY REFERENCES files (id),
    extractor_version TEXT NOT NULL,
    occurrences INTEGER NOT NULL,
    at_utc TEXT NOT NULL
);

CREATE INDEX identifier_occurrences_message ON identifier_occurrences (message_id);
CREATE INDEX identifier_occurrences_contact ON identifier_occurrences (contact_id);
CREATE INDEX identifier_occurrences_account ON identifier_occurrences (account_id);
