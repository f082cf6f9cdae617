-- 0001: the whole case model. Later issues fill most tables; their own migrations add to it.
-- Portable SQL (SQLite and PostgreSQL) except the FTS5 table at the end.
-- Times are ISO-8601 UTC text ('2026-03-14T06:10:00.000000+00:00'); raw paths are BLOBs.

CREATE TABLE case_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Evidence -------------------------------------------------------------------------------

CREATE TABLE exhibits (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    source_path BLOB NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('folder', 'file', 'archive')),
    seized_from TEXT NOT NULL,
    seized_at_utc TEXT NOT NULL,
    seized_by TEXT NOT NULL,
    description TEXT,
    timezone TEXT,
    intake_status TEXT NOT NULL CHECK (intake_status IN ('registering', 'complete')),
    registered_at_utc TEXT NOT NULL,
    completed_at_utc TEXT,
    file_count INTEGER NOT NULL DEFAULT 0,
    total_bytes INTEGER NOT NULL DEFAULT 0,
    manifest_sha256 TEXT
);

CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    container_id INTEGER REFERENCES files (id),
    path BLOB NOT NULL,
    display_path TEXT NOT NULL,
    entry_kind TEXT NOT NULL CHECK (entry_kind IN ('file', 'symlink', 'directory', 'other')),
    size INTEGER,
    md5 TEXT,
    sha1 TEXT,
    sha256 TEXT,
    mime_type TEXT,
    mtime_utc TEXT,
    atime_utc TEXT,
    ctime_utc TEXT,
    time_zone_assumed TEXT,
    mode INTEGER,
    symlink_target BLOB,
    is_archive INTEGER NOT NULL DEFAULT 0,
    archive_status TEXT CHECK (archive_status IN ('pending', 'walked', 'failed')),
    archive_error TEXT,
    read_error TEXT,
    recorded_at_utc TEXT NOT NULL
);
-- NULL container_id means "top level"; COALESCE makes the key unique there too.
CREATE UNIQUE INDEX files_path_key ON files (exhibit_id, COALESCE(container_id, 0), path);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_md5 ON files (md5);
CREATE INDEX files_sha1 ON files (sha1);
CREATE INDEX files_container ON files (container_id);

-- Parsing coverage: one row per (file, parser run); disclosure needs what was not read.
CREATE TABLE file_parses (
    file_id INTEGER NOT NULL REFERENCES files (id),
    parser TEXT,
    parser_version TEXT,
    status TEXT NOT NULL CHECK (status IN ('parsed', 'unsupported', 'failed')),
    record_count INTEGER NOT NULL DEFAULT 0,
    warning_count INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    parsed_at_utc TEXT NOT NULL,
    PRIMARY KEY (file_id)
);

CREATE TABLE parse_warnings (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    locator TEXT NOT NULL,
    message TEXT NOT NULL
);

-- Communications ---------------------------------------------------------------------------

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    handle_norm TEXT NOT NULL,
    handle TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0,
    first_seen_utc TEXT,
    last_seen_utc TEXT,
    UNIQUE (platform, handle_norm)
);

CREATE TABLE account_names (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    display_name TEXT NOT NULL,
    exhibit_id INTEGER REFERENCES exhibits (id),
    file_id INTEGER REFERENCES files (id),
    locator TEXT,
    PRIMARY KEY (account_id, display_name, file_id)
);

CREATE TABLE identifiers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    value_norm TEXT NOT NULL,
    is_shared INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, value_norm)
);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    external_id TEXT,
    title TEXT,
    is_group INTEGER NOT NULL DEFAULT 0,
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    file_id INTEGER NOT NULL REFERENCES files (id),
    locator TEXT NOT NULL
);

CREATE TABLE conversation_participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (conversation_id, account_id)
);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    sender_account_id INTEGER REFERENCES accounts (id),
    sent_at_utc TEXT,
    sent_at_raw TEXT,
    assumed_zone TEXT,
    body TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'media', 'system', 'deleted')),
    parent_message_id INTEGER REFERENCES messages (id),
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    file_id INTEGER NOT NULL REFERENCES files (id),
    locator TEXT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, sent_at_utc);
CREATE INDEX messages_sender ON messages (sender_account_id);

CREATE TABLE message_attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    name TEXT,
    mime_type TEXT,
    file_id INTEGER REFERENCES files (id),
    derived_path TEXT
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    display_name TEXT,
    fields_json TEXT NOT NULL,
    owner_account_id INTEGER REFERENCES accounts (id),
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    file_id INTEGER NOT NULL REFERENCES files (id),
    locator TEXT NOT NULL
);

-- Every place an identifier was seen, with provenance; exactly one subject column is set.
CREATE TABLE identifier_occurrences (
    id INTEGER PRIMARY KEY,
    identifier_id INTEGER NOT NULL REFERENCES identifiers (id),
    raw_value TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),
    contact_id INTEGER REFERENCES contacts (id),
    message_id INTEGER REFERENCES messages (id),
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    file_id INTEGER NOT NULL REFERENCES files (id),
    locator TEXT NOT NULL
);
CREATE INDEX identifier_occurrences_identifier ON identifier_occurrences (identifier_id);

CREATE TABLE account_identifiers (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    identifier_id INTEGER NOT NULL REFERENCES identifiers (id),
    PRIMARY KEY (account_id, identifier_id)
);

-- Identity ---------------------------------------------------------------------------------

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0,
    created_at_utc TEXT NOT NULL
);

CREATE TABLE person_links (
    person_id INTEGER NOT NULL REFERENCES persons (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    method TEXT NOT NULL CHECK (method IN ('deterministic', 'model', 'investigator')),
    probability REAL,
    reasons_json TEXT NOT NULL DEFAULT '{}',
    confirmed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id)
);
CREATE INDEX person_links_person ON person_links (person_id);

-- Investigator decisions win over every re-run of the model.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    object_ref TEXT,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at_utc TEXT NOT NULL,
    audit_seq INTEGER NOT NULL
);

-- Media ------------------------------------------------------------------------------------

CREATE TABLE media (
    file_id INTEGER PRIMARY KEY REFERENCES files (id),
    media_kind TEXT NOT NULL CHECK (media_kind IN ('image', 'video')),
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error TEXT,
    width INTEGER,
    height INTEGER,
    duration_s REAL,
    codec TEXT,
    pdq_hex TEXT,
    pdq_quality INTEGER,
    exif_json TEXT NOT NULL DEFAULT '{}',
    series_id INTEGER
);

CREATE TABLE hashsets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    known_good INTEGER NOT NULL DEFAULT 0,
    entry_count INTEGER NOT NULL DEFAULT 0,
    imported_at_utc TEXT NOT NULL
);

CREATE TABLE hashset_entries (
    id INTEGER PRIMARY KEY,
    hashset_id INTEGER NOT NULL REFERENCES hashsets (id),
    md5 TEXT,
    sha1 TEXT,
    sha256 TEXT,
    pdq_hex TEXT,
    category TEXT,
    series TEXT,
    victim_identified INTEGER,
    extra_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX hashset_entries_md5 ON hashset_entries (md5);
CREATE INDEX hashset_entries_sha1 ON hashset_entries (sha1);
CREATE INDEX hashset_entries_sha256 ON hashset_entries (sha256);

CREATE TABLE media_matches (
    file_id INTEGER NOT NULL REFERENCES files (id),
    entry_id INTEGER NOT NULL REFERENCES hashset_entries (id),
    match_kind TEXT NOT NULL,
    distance INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (file_id, entry_id, match_kind)
);

-- Audit ------------------------------------------------------------------------------------

-- Append-only and hash-chained: row_hash = SHA-256 of the canonical JSON of the other columns.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at_utc TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_ref TEXT NOT NULL,
    details_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    row_hash TEXT NOT NULL UNIQUE
);

-- SQLite only (a PostgreSQL backend uses tsvector instead) ---------------------------------

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
