-- The team's workspace (issue 7): bookmarks and notes on messages, media and persons, written
-- from the web app (audited), and indexes its pages need to stay fast on a large case.
-- Users, memberships and clearances are not per case: they live in the server database.

-- A user's bookmark on one record; what the report issue turns into excerpts.
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('message', 'media', 'person')),
    subject_id INTEGER NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at_utc TEXT NOT NULL,
    audit_seq INTEGER NOT NULL,
    UNIQUE (subject_kind, subject_id, created_by)
);
CREATE INDEX bookmarks_user ON bookmarks (created_by, created_at_utc);

-- Notes are never edited or deleted: a correction is a new note (the audit chain holds each).
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('message', 'media', 'person')),
    subject_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_utc TEXT NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX notes_subject ON notes (subject_kind, subject_id);

-- Custody and view pages look audit rows up by object (`exhibit:EX-001`) and action.
CREATE INDEX audit_log_object ON audit_log (object_ref, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The media grid filters on status and pages by file; conversations list pages by title.
CREATE INDEX media_status ON media (status, file_id);
