-- Networks (issue 5): one row per graph node (a person, or an account no person holds),
-- rewritten by every `darkroom network build`; triage and the web app read roles from it.
CREATE TABLE network_nodes (
    node_key TEXT PRIMARY KEY,                       -- 'person:ID' or 'account:ID'
    person_id INTEGER REFERENCES persons (id),
    account_id INTEGER REFERENCES accounts (id),
    community INTEGER,
    degree INTEGER NOT NULL DEFAULT 0,
    weighted_degree REAL NOT NULL DEFAULT 0,
    betweenness REAL NOT NULL DEFAULT 0,
    role TEXT CHECK (role IN ('hub', 'broker', 'peripheral')),
    CHECK ((person_id IS NULL) <> (account_id IS NULL))
);
CREATE INDEX network_nodes_person ON network_nodes (person_id);
CREATE INDEX network_nodes_account ON network_nodes (account_id);
