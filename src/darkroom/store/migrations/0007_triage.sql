-- Triage (issue 6): indicator hits, planned events and their alerts, investigator-recorded
-- offender factors, and the advisory priority of every subject.
-- A subject is 'person:ID' when identity resolved the account, else 'account:ID' (the same
-- keys as network_nodes.node_key), so scoring works before and after identity runs.

-- Rows here point at parsed records (messages, conversations) and persons without foreign keys
-- on purpose: re-parsing a file deletes its records and identity rebuilds persons; the next
-- triage run prunes what vanished and reads the new records.

-- One triage run: which lexicons (digest and sources), which matcher, what it found.
CREATE TABLE triage_runs (
    id INTEGER PRIMARY KEY,
    started_at_utc TEXT NOT NULL,
    finished_at_utc TEXT,
    actor TEXT NOT NULL,
    lexicon_sha256 TEXT NOT NULL,
    lexicon_sources_json TEXT NOT NULL,
    profile TEXT NOT NULL,
    matcher TEXT NOT NULL,
    messages_scanned INTEGER NOT NULL DEFAULT 0,
    hits INTEGER NOT NULL DEFAULT 0,
    alerts INTEGER NOT NULL DEFAULT 0,
    urgent_alerts INTEGER NOT NULL DEFAULT 0
);

-- Which parsed files the indicator pass has read, with which lexicons; a file is read again
-- when the lexicons change or the file was parsed again (file_parses.parsed_at_utc moved).
CREATE TABLE indicator_passes (
    file_id INTEGER PRIMARY KEY,
    lexicon_sha256 TEXT NOT NULL,
    parsed_at_utc TEXT NOT NULL,
    messages INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    at_utc TEXT NOT NULL
);

-- One lexicon term found in one message; the span is in characters of messages.body as stored.
CREATE TABLE indicator_hits (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL,
    file_id INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    sender_account_id INTEGER,
    category TEXT NOT NULL,
    term TEXT NOT NULL,
    lexicon TEXT NOT NULL,
    language TEXT NOT NULL,
    weight REAL NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL
);
CREATE INDEX indicator_hits_message ON indicator_hits (message_id);
CREATE INDEX indicator_hits_file ON indicator_hits (file_id);
CREATE INDEX indicator_hits_conversation ON indicator_hits (conversation_id);
CREATE INDEX indicator_hits_sender ON indicator_hits (sender_account_id);

-- One alert per planned event, however many messages (or copies of a chat) raised it.
-- `event_key` (the subjects involved and the date) is stable across re-runs, so an
-- investigator's status survives them; `active` is 0 when a re-run no longer finds it.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL UNIQUE,
    event_date TEXT NOT NULL,               -- first local day the plan names (ISO date)
    event_date_end TEXT NOT NULL,           -- last day of that range (a month, a weekend)
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'weekend', 'week', 'month')),
    date_text TEXT NOT NULL,                -- the expression as written
    date_message_id INTEGER NOT NULL,
    urgent INTEGER NOT NULL,
    reference_seized_at_utc TEXT NOT NULL,  -- earliest seizure of the exhibits holding the messages
    categories_json TEXT NOT NULL,          -- category -> hits in the raising messages
    subjects_json TEXT NOT NULL,            -- subject keys taking part
    leads_json TEXT NOT NULL,               -- subject keys who wrote its lead lines (access ...)
    conversations_json TEXT NOT NULL,
    first_message_at_utc TEXT NOT NULL,
    last_message_at_utc TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'dismissed')),
    active INTEGER NOT NULL DEFAULT 1,
    computed_at_utc TEXT NOT NULL
);

CREATE TABLE alert_messages (
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    message_id INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('indicator', 'date', 'indicator+date')),
    PRIMARY KEY (alert_id, message_id)
);
CREATE INDEX alert_messages_message ON alert_messages (message_id);

-- Static factors an investigator records (CPORT/CASIC/KIRAT-inspired); the latest value of
-- each factor wins, every change is in the audit log.
CREATE TABLE subject_factors (
    subject_key TEXT NOT NULL,
    factor TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at_utc TEXT NOT NULL,
    audit_seq INTEGER NOT NULL,
    PRIMARY KEY (subject_key, factor)
);

-- The advisory queue: one row per subject with any signal, rewritten by every triage run.
CREATE TABLE priority_scores (
    subject_key TEXT PRIMARY KEY,
    person_id INTEGER,
    account_id INTEGER,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    queue_rank INTEGER NOT NULL,
    reasons_json TEXT NOT NULL,
    profile TEXT NOT NULL,
    computed_at_utc TEXT NOT NULL
);
CREATE INDEX priority_scores_rank ON priority_scores (queue_rank);
