-- 0004: the media model in full. 0001 held placeholders that nothing wrote to; they are
-- replaced by tables that keep every PDQ hash (dihedral forms, video frames), EXIF clues,
-- hash sets with their provenance, matches, series and examiners' review decisions.

DROP TABLE media_matches;
DROP TABLE hashset_entries;
DROP TABLE hashsets;
DROP TABLE media;

-- One row per image or video file the media stage looked at; failed files keep their reason.
CREATE TABLE media (
    file_id INTEGER PRIMARY KEY REFERENCES files (id),
    media_kind TEXT NOT NULL CHECK (media_kind IN ('image', 'video')),
    status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    error TEXT,
    analyser_version TEXT NOT NULL,
    analysed_at_utc TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    duration_s REAL,
    codec TEXT,
    frame_hash_method TEXT,
    pdq_hex TEXT,
    pdq_quality INTEGER,
    exif_make TEXT,
    exif_model TEXT,
    exif_body_serial TEXT,
    exif_lens TEXT,
    exif_software TEXT,
    exif_taken_at TEXT,
    gps_lat REAL,
    gps_lon REAL,
    exif_json TEXT NOT NULL DEFAULT '{}',
    thumbnail_path TEXT
);
CREATE INDEX media_body_serial ON media (exif_body_serial);

-- Every PDQ hash of a media file: the 8 dihedral forms of an image (form 0 = as shown, EXIF
-- orientation applied), or one hash per sampled video frame (form = frame ordinal).
CREATE TABLE media_hashes (
    file_id INTEGER NOT NULL REFERENCES media (file_id),
    form INTEGER NOT NULL,
    at_s REAL,
    pdq BLOB NOT NULL,
    quality INTEGER NOT NULL,
    PRIMARY KEY (file_id, form)
);

CREATE TABLE hashsets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    scheme TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_size INTEGER NOT NULL,
    known_good INTEGER NOT NULL DEFAULT 0,
    entry_count INTEGER NOT NULL DEFAULT 0,
    skipped_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('importing', 'done', 'failed')),
    error TEXT,
    imported_at_utc TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

-- One row per entry of an imported set; `locator` says where in the source file it was
-- (a line, a JSON array index), `category` is the source's own value (see category_map).
CREATE TABLE hashset_entries (
    id INTEGER PRIMARY KEY,
    hashset_id INTEGER NOT NULL REFERENCES hashsets (id),
    locator TEXT NOT NULL,
    md5 TEXT,
    sha1 TEXT,
    sha256 TEXT,
    pdq BLOB,
    pdq_quality INTEGER,
    photodna TEXT,
    category TEXT,
    series TEXT,
    victim_identified INTEGER,
    offender_identified INTEGER,
    is_distributed INTEGER,
    source_media_id TEXT,
    extra_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX hashset_entries_set ON hashset_entries (hashset_id);
CREATE INDEX hashset_entries_md5 ON hashset_entries (md5);
CREATE INDEX hashset_entries_sha1 ON hashset_entries (sha1);
CREATE INDEX hashset_entries_sha256 ON hashset_entries (sha256);

-- The case's category scheme: a source value of a scheme (vics '1', uk 'A', csv 'known')
-- maps to one of the case's categories. Defaults live in code; rows here override them.
CREATE TABLE category_map (
    scheme TEXT NOT NULL,
    source_value TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (scheme, source_value)
);

-- Matches of a case file against hash-set entries. kind: md5 | sha1 | sha256 | pdq;
-- form: which of the file's hashes matched (dihedral form or video frame), for pdq.
CREATE TABLE media_matches (
    file_id INTEGER NOT NULL REFERENCES files (id),
    entry_id INTEGER NOT NULL REFERENCES hashset_entries (id),
    match_kind TEXT NOT NULL CHECK (match_kind IN ('md5', 'sha1', 'sha256', 'pdq')),
    distance INTEGER NOT NULL DEFAULT 0,
    form INTEGER,
    matched_at_utc TEXT NOT NULL,
    PRIMARY KEY (file_id, entry_id, match_kind)
);
CREATE INDEX media_matches_entry ON media_matches (entry_id);

-- Series of unknown media: near-duplicate clusters. A series keeps its id across re-runs
-- through its key (the smallest SHA-256 among its files).
CREATE TABLE media_series (
    id INTEGER PRIMARY KEY,
    series_key TEXT NOT NULL UNIQUE,
    file_count INTEGER NOT NULL,
    distinct_count INTEGER NOT NULL,
    representative_file_id INTEGER NOT NULL REFERENCES files (id),
    computed_at_utc TEXT NOT NULL
);
CREATE TABLE media_series_members (
    file_id INTEGER PRIMARY KEY REFERENCES files (id),
    series_id INTEGER NOT NULL REFERENCES media_series (id),
    distance_to_representative INTEGER
);
CREATE INDEX media_series_members_series ON media_series_members (series_id);

-- Examiners' categorisations (audited) and the suggestions they cast on near-duplicates.
CREATE TABLE media_reviews (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    category TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('examiner', 'suggested')),
    from_review_id INTEGER REFERENCES media_reviews (id),
    distance INTEGER,
    reason TEXT,
    actor TEXT NOT NULL,
    at_utc TEXT NOT NULL,
    audit_seq INTEGER
);
CREATE INDEX media_reviews_file ON media_reviews (file_id);

-- Which messages carried a media file as an attachment (who sent what, when, on which device).
CREATE TABLE media_message_links (
    file_id INTEGER NOT NULL REFERENCES files (id),
    message_id INTEGER NOT NULL REFERENCES messages (id),
    attachment_id INTEGER REFERENCES message_attachments (id),
    link_kind TEXT NOT NULL,
    PRIMARY KEY (file_id, message_id)
);
CREATE INDEX media_message_links_message ON media_message_links (message_id);
