-- Networks (issue 5): one row per graph node (a person, or an account no person holds),
-- rewritten by every `darkroom network build`; triage and the web app read roles from it.
-- role: hub | broker | peripheral, NULL for an ordinary member (the rule is in darkroom.network.roles).
CREATE TABLE network_nodes (
    node_key TEXT PRIMARY KEY,                       -- 'person:ID' or 'account:ID'
    person_id INTEGER REFERENCES persons (id),
    account_id INTEGER REFERENCES accounts (id),
    community INTEGER,
    degree INTEGER NOT NULL DEFAULT 0,
    weighted_degree REAL NOT NULL DEFAULT 0,
    betweenness REAL NOT NULL DEFAULT 0,
    role TEXT CHECK (role IN ('hub', 'broker', 'peripheral')),
    label TEXT NOT NULL DEFAULT '',                  -- a person's label or 'platform:handle'
    seized_owner INTEGER NOT NULL DEFAULT 0,         -- holds an account a seized exhibit is owned by
    CHECK ((person_id IS NULL) <> (account_id IS NULL))
);
CREATE INDEX network_nodes_person ON network_nodes (person_id);
CREATE INDEX network_nodes_account ON network_nodes (account_id);
CREATE INDEX network_nodes_community ON network_nodes (community);

-- The network stage resolves contact cards through identifiers to the accounts holding them.
CREATE INDEX account_identifiers_identifier ON account_identifiers (identifier_id);

-- Which accounts a seized exhibit belongs to (the device's own accounts), and why darkroom
-- thinks so: parsers do not keep the owner flag, so it is read from how conversations look.
CREATE TABLE network_exhibit_owners (
    exhibit_id INTEGER NOT NULL REFERENCES exhibits (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    reason TEXT NOT NULL,
    PRIMARY KEY (exhibit_id, account_id)
);

-- Typed, weighted edges between nodes. Directed kinds (messaged, in-contacts-of) run from
-- source to target; undirected kinds store the smaller key as source. weight is the edge's
-- contribution to community detection (darkroom.network.settings.EDGE_WEIGHTS).
CREATE TABLE network_edges (
    id INTEGER PRIMARY KEY,
    source_key TEXT NOT NULL REFERENCES network_nodes (node_key),
    target_key TEXT NOT NULL REFERENCES network_nodes (node_key),
    kind TEXT NOT NULL CHECK (kind IN (
        'messaged', 'group-messaged', 'in-contacts-of', 'shared-identifier', 'same-group', 'shared-media'
    )),
    directed INTEGER NOT NULL,
    count INTEGER NOT NULL,
    weight REAL NOT NULL,
    first_at_utc TEXT,
    last_at_utc TEXT,
    UNIQUE (source_key, target_key, kind)
);
CREATE INDEX network_edges_target ON network_edges (target_key);

-- What each edge rests on: conversations (messages are found through them), contact cards,
-- identifiers, media files; each of those rows carries its exhibit, file and locator.
CREATE TABLE network_edge_evidence (
    edge_id INTEGER NOT NULL REFERENCES network_edges (id),
    ref_kind TEXT NOT NULL CHECK (ref_kind IN ('conversation', 'contact', 'identifier', 'file')),
    ref_id INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (edge_id, ref_kind, ref_id)
);

-- One row per build: when, sizes, and the settings used (so a summary can say how it was made).
CREATE TABLE network_builds (
    id INTEGER PRIMARY KEY,
    built_at_utc TEXT NOT NULL,
    node_count INTEGER NOT NULL,
    edge_count INTEGER NOT NULL,
    community_count INTEGER NOT NULL,
    settings_json TEXT NOT NULL
);

-- Leads: unidentified accounts, persons and identifiers ranked by evidence of involvement.
-- A lead keeps its id across re-runs through its key ('account:ID', 'person:ID', 'identifier:ID').
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    lead_key TEXT NOT NULL UNIQUE,
    node_key TEXT,
    identifier_id INTEGER REFERENCES identifiers (id),
    label TEXT NOT NULL,
    score REAL NOT NULL,
    rank INTEGER,
    status TEXT NOT NULL CHECK (status IN ('open', 'identified', 'dismissed')),
    reasons_json TEXT NOT NULL,
    computed_at_utc TEXT NOT NULL
);
CREATE INDEX leads_rank ON leads (rank);

-- The evidence behind a lead's reasons: contact cards, conversations, messages.
CREATE TABLE lead_evidence (
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    reason TEXT NOT NULL,
    ref_kind TEXT NOT NULL CHECK (ref_kind IN ('contact', 'conversation', 'message', 'identifier')),
    ref_id INTEGER NOT NULL,
    PRIMARY KEY (lead_id, reason, ref_kind, ref_id)
);

-- Investigators' marks (`darkroom lead identify|dismiss`), one row per account or identifier a
-- decision covered; the newest mark wins, and marks survive every re-run of the model.
CREATE TABLE lead_marks (
    subject_key TEXT PRIMARY KEY,                    -- 'account:ID' or 'identifier:ID'
    status TEXT NOT NULL CHECK (status IN ('identified', 'dismissed')),
    decision_id INTEGER NOT NULL REFERENCES decisions (id)
);
