"""Forgetting a file's records before it is parsed again also drops the derived rows that point at
them (media links of its messages, persons' hold on its contact cards), so foreign keys hold."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from darkroom.store import CaseStore
from darkroom.store.records import forget_file

_ROWS = (
    "INSERT INTO exhibits (id, ref, source_path, source_kind, seized_from, seized_at_utc, seized_by, "
    "intake_status, registered_at_utc) VALUES (1, 'EX-001', x'00', 'folder', 'someone', "
    "'2026-03-01T00:00:00.000000+00:00', 'DC Example', 'complete', '2026-03-20T00:00:00.000000+00:00')",
    "INSERT INTO files (id, exhibit_id, path, display_path, entry_kind, recorded_at_utc) VALUES "
    "(1, 1, 'chat.txt', 'chat.txt', 'file', '2026-03-20T00:00:00.000000+00:00'), "
    "(2, 1, 'photo.jpg', 'photo.jpg', 'file', '2026-03-20T00:00:00.000000+00:00')",
    "INSERT INTO conversations (id, platform, title, exhibit_id, file_id, locator) "
    "VALUES (1, 'whatsapp', 'Ola', 1, 1, 'file')",
    "INSERT INTO messages (id, conversation_id, body, kind, exhibit_id, file_id, locator) "
    "VALUES (1, 1, 'photo.jpg (file attached)', 'media', 1, 1, 'line 1')",
    "INSERT INTO messages_fts (rowid, body) VALUES (1, 'photo.jpg (file attached)')",
    "INSERT INTO contacts (id, display_name, fields_json, exhibit_id, file_id, locator) "
    "VALUES (1, 'Ola', '{}', 1, 1, 'card 1')",
    "INSERT INTO persons (id, label, created_at_utc) VALUES (1, 'Ola', '2026-03-20T00:00:00.000000+00:00')",
    "INSERT INTO person_contacts (contact_id, person_id, method) VALUES (1, 1, 'deterministic')",
    "INSERT INTO media_message_links (file_id, message_id, link_kind) VALUES (2, 1, 'attachment-name')",
    "INSERT INTO accounts (id, platform, handle_norm, handle) VALUES (1, 'whatsapp', '+447700900101', "
    "'+447700900101')",
    "INSERT INTO stated_owners (exhibit_id, account_id, file_id, locator) VALUES (1, 1, 1, 'line 1')",
)


def test_derived_rows_of_a_forgotten_file_go_with_it(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Operation Forget", "NO", "Europe/Oslo")
    try:
        with store.write() as conn:
            for sql in _ROWS:
                conn.execute(text(sql))
        with store.write() as conn:
            forget_file(conn, 1)
        with store.read() as conn:
            for table in (
                "messages",
                "contacts",
                "person_contacts",
                "media_message_links",
                "conversations",
                "stated_owners",
            ):
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0, table
            assert conn.execute(text("SELECT COUNT(*) FROM persons")).scalar_one() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).first() is None
    finally:
        store.close()
