"""SQLAlchemy Core views of the tables the code queries; the DDL itself lives in migrations/.

A test checks that every column named here exists in a freshly migrated case, so this file
and the migrations cannot drift apart unnoticed.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, LargeBinary, MetaData, Table, Text

metadata = MetaData()

case_settings = Table(
    "case_settings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

exhibits = Table(
    "exhibits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", Text, nullable=False, unique=True),
    Column("source_path", LargeBinary, nullable=False),
    Column("source_kind", Text, nullable=False),
    Column("seized_from", Text, nullable=False),
    Column("seized_at_utc", Text, nullable=False),
    Column("seized_by", Text, nullable=False),
    Column("description", Text),
    Column("timezone", Text),
    Column("intake_status", Text, nullable=False),
    Column("registered_at_utc", Text, nullable=False),
    Column("completed_at_utc", Text),
    Column("file_count", Integer, nullable=False),
    Column("total_bytes", Integer, nullable=False),
    Column("manifest_sha256", Text),
)

files = Table(
    "files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("exhibit_id", Integer, nullable=False),
    Column("container_id", Integer),
    Column("path", LargeBinary, nullable=False),
    Column("display_path", Text, nullable=False),
    Column("entry_kind", Text, nullable=False),
    Column("size", Integer),
    Column("md5", Text),
    Column("sha1", Text),
    Column("sha256", Text),
    Column("mime_type", Text),
    Column("mtime_utc", Text),
    Column("atime_utc", Text),
    Column("ctime_utc", Text),
    Column("time_zone_assumed", Text),
    Column("mode", Integer),
    Column("symlink_target", LargeBinary),
    Column("is_archive", Integer, nullable=False),
    Column("archive_status", Text),
    Column("archive_error", Text),
    Column("read_error", Text),
    Column("recorded_at_utc", Text, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("at_utc", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("object_ref", Text, nullable=False),
    Column("details_json", Text, nullable=False),
    Column("prev_hash", Text, nullable=False),
    Column("row_hash", Text, nullable=False),
)

file_parses = Table(
    "file_parses",
    metadata,
    Column("file_id", Integer, primary_key=True),
    Column("parser", Text),
    Column("parser_version", Text),
    Column("status", Text, nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("warning_count", Integer, nullable=False),
    Column("error", Text),
    Column("parsed_at_utc", Text, nullable=False),
)

parse_warnings = Table(
    "parse_warnings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, nullable=False),
    Column("locator", Text, nullable=False),
    Column("message", Text, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("handle_norm", Text, nullable=False),
    Column("handle", Text, nullable=False),
    Column("restricted", Integer, nullable=False, default=0),
    Column("first_seen_utc", Text),
    Column("last_seen_utc", Text),
)

account_names = Table(
    "account_names",
    metadata,
    Column("account_id", Integer, primary_key=True),
    Column("display_name", Text, primary_key=True),
    Column("exhibit_id", Integer),
    Column("file_id", Integer, primary_key=True),
    Column("locator", Text),
)

stated_owners = Table(
    "stated_owners",
    metadata,
    Column("exhibit_id", Integer, nullable=False),
    Column("account_id", Integer, primary_key=True),
    Column("file_id", Integer, primary_key=True),
    Column("locator", Text, nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("external_id", Text),
    Column("title", Text),
    Column("is_group", Integer, nullable=False),
    Column("exhibit_id", Integer, nullable=False),
    Column("file_id", Integer, nullable=False),
    Column("locator", Text, nullable=False),
)

conversation_participants = Table(
    "conversation_participants",
    metadata,
    Column("conversation_id", Integer, primary_key=True),
    Column("account_id", Integer, primary_key=True),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("conversation_id", Integer, nullable=False),
    Column("sender_account_id", Integer),
    Column("sent_at_utc", Text),
    Column("sent_at_raw", Text),
    Column("assumed_zone", Text),
    Column("body", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("parent_message_id", Integer),
    Column("exhibit_id", Integer, nullable=False),
    Column("file_id", Integer, nullable=False),
    Column("locator", Text, nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("display_name", Text),
    Column("fields_json", Text, nullable=False),
    Column("owner_account_id", Integer),
    Column("exhibit_id", Integer, nullable=False),
    Column("file_id", Integer, nullable=False),
    Column("locator", Text, nullable=False),
)

# Media (0004) --------------------------------------------------------------------------

media = Table(
    "media",
    metadata,
    Column("file_id", Integer, primary_key=True),
    Column("media_kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("error", Text),
    Column("analyser_version", Text, nullable=False),
    Column("analysed_at_utc", Text, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("duration_s", Float),
    Column("codec", Text),
    Column("frame_hash_method", Text),
    Column("pdq_hex", Text),
    Column("pdq_quality", Integer),
    Column("exif_make", Text),
    Column("exif_model", Text),
    Column("exif_body_serial", Text),
    Column("exif_lens", Text),
    Column("exif_software", Text),
    Column("exif_taken_at", Text),
    Column("gps_lat", Float),
    Column("gps_lon", Float),
    Column("exif_json", Text, nullable=False),
    Column("thumbnail_path", Text),
)

media_hashes = Table(
    "media_hashes",
    metadata,
    Column("file_id", Integer, primary_key=True),
    Column("form", Integer, primary_key=True),
    Column("at_s", Float),
    Column("pdq", LargeBinary, nullable=False),
    Column("quality", Integer, nullable=False),
)

hashsets = Table(
    "hashsets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("scheme", Text, nullable=False),
    Column("source_path", Text, nullable=False),
    Column("source_sha256", Text, nullable=False),
    Column("source_size", Integer, nullable=False),
    Column("known_good", Integer, nullable=False),
    Column("entry_count", Integer, nullable=False),
    Column("skipped_count", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("error", Text),
    Column("imported_at_utc", Text, nullable=False),
    Column("imported_by", Text, nullable=False),
)

hashset_entries = Table(
    "hashset_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hashset_id", Integer, nullable=False),
    Column("locator", Text, nullable=False),
    Column("md5", Text),
    Column("sha1", Text),
    Column("sha256", Text),
    Column("pdq", LargeBinary),
    Column("pdq_quality", Integer),
    Column("photodna", Text),
    Column("category", Text),
    Column("series", Text),
    Column("victim_identified", Integer),
    Column("offender_identified", Integer),
    Column("is_distributed", Integer),
    Column("source_media_id", Text),
    Column("extra_json", Text, nullable=False),
)

category_map = Table(
    "category_map",
    metadata,
    Column("scheme", Text, primary_key=True),
    Column("source_value", Text, primary_key=True),
    Column("category", Text, nullable=False),
)

media_matches = Table(
    "media_matches",
    metadata,
    Column("file_id", Integer, primary_key=True),
    Column("entry_id", Integer, primary_key=True),
    Column("match_kind", Text, primary_key=True),
    Column("distance", Integer, nullable=False),
    Column("form", Integer),
    Column("matched_at_utc", Text, nullable=False),
)

media_series = Table(
    "media_series",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("series_key", Text, nullable=False),
    Column("file_count", Integer, nullable=False),
    Column("distinct_count", Integer, nullable=False),
    Column("representative_file_id", Integer, nullable=False),
    Column("computed_at_utc", Text, nullable=False),
)

media_series_members = Table(
    "media_series_members",
    metadata,
    Column("file_id", Integer, primary_key=True),
    Column("series_id", Integer, nullable=False),
    Column("distance_to_representative", Integer),
)

media_reviews = Table(
    "media_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, nullable=False),
    Column("category", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("from_review_id", Integer),
    Column("distance", Integer),
    Column("reason", Text),
    Column("actor", Text, nullable=False),
    Column("at_utc", Text, nullable=False),
    Column("audit_seq", Integer),
)

media_message_links = Table(
    "media_message_links",
    metadata,
    Column("file_id", Integer, primary_key=True),
    Column("message_id", Integer, primary_key=True),
    Column("attachment_id", Integer),
    Column("link_kind", Text, nullable=False),
)
