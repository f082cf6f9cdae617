-- Identity resolution (issue 5): accounts and contact entries resolved into persons.
-- `persons`, `person_links` (accounts) and `decisions` are in 0001; this adds contact cards,
-- why identifiers were marked shared, the pairs left for review, the record-level constraints
-- investigators' decisions imply (applied first on every re-run), and a log of the runs.

-- A person's id stays while its membership does; one whose records all went elsewhere is
-- retired (never deleted: bookmarks and other tables point at it), naming where most went.
ALTER TABLE persons ADD COLUMN retired_at_utc TEXT;
ALTER TABLE persons ADD COLUMN merged_into INTEGER REFERENCES persons (id);
ALTER TABLE persons ADD COLUMN updated_at_utc TEXT;

-- Contact cards resolved to a person, as person_links holds accounts.
CREATE TABLE person_contacts (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts (id),
    person_id INTEGER NOT NULL REFERENCES persons (id),
    method TEXT NOT NULL CHECK (method IN ('deterministic', 'model', 'investigator')),
    probability REAL,
    reasons_json TEXT NOT NULL DEFAULT '{}',
    confirmed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX person_contacts_person ON person_contacts (person_id);

-- Why the identity stage set identifiers.is_shared = 1 (a household landline, a switchboard).
CREATE TABLE identifier_shared_reasons (
    identifier_id INTEGER PRIMARY KEY REFERENCES identifiers (id),
    reason TEXT NOT NULL,
    holders INTEGER NOT NULL,
    details_json TEXT NOT NULL DEFAULT '{}',
    marked_at_utc TEXT NOT NULL
);

-- Record refs are 'account:ID' or 'contact:ID'.
-- Pairs the model scored at or above the review threshold that did not merge: below the
-- auto-merge threshold ('review'), agreeing on handles only ('handles-only'), or kept apart
-- by an investigator's decision ('blocked'). Rewritten by every run.
CREATE TABLE identity_candidates (
    id INTEGER PRIMARY KEY,
    left_ref TEXT NOT NULL,
    right_ref TEXT NOT NULL,
    left_person_id INTEGER REFERENCES persons (id),
    right_person_id INTEGER REFERENCES persons (id),
    probability REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('review', 'handles-only', 'blocked')),
    reasons_json TEXT NOT NULL DEFAULT '{}',
    UNIQUE (left_ref, right_ref)
);
CREATE INDEX identity_candidates_left ON identity_candidates (left_person_id);
CREATE INDEX identity_candidates_right ON identity_candidates (right_person_id);

-- What each investigator decision means for records; every run applies these first.
CREATE TABLE identity_constraints (
    decision_id INTEGER NOT NULL REFERENCES decisions (id),
    kind TEXT NOT NULL CHECK (kind IN ('must-link', 'cannot-link', 'confirm')),
    left_ref TEXT NOT NULL,
    right_ref TEXT NOT NULL,
    PRIMARY KEY (decision_id, kind, left_ref, right_ref)
);

-- One row per `identity resolve`: whether the model ran (or why not) and what came out.
CREATE TABLE identity_runs (
    id INTEGER PRIMARY KEY,
    started_at_utc TEXT NOT NULL,
    finished_at_utc TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('model', 'deterministic-only')),
    note TEXT NOT NULL DEFAULT '',
    records INTEGER NOT NULL,
    persons INTEGER NOT NULL,
    deterministic_links INTEGER NOT NULL,
    model_links INTEGER NOT NULL,
    candidates INTEGER NOT NULL,
    shared_identifiers INTEGER NOT NULL,
    model_json TEXT NOT NULL DEFAULT '{}'
);
