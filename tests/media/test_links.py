"""Who sent what: attachment names resolve to the picture files of the same exhibit — the only
file of that name, copies with one SHA-256, or the one beside the chat export — and a name that
fits different pictures is counted, never guessed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from darkroom.media.links import run_links
from darkroom.media.queries import senders_of
from tests.media.store_rows import add_file, add_picture, insert, new_case

CODE = bytes(range(32))


def test_attachment_names_link_to_media_files(tmp_path: Path) -> None:
    store = new_case(tmp_path)
    layout = [
        (1, 1, "WhatsApp Chat - Kari/_chat.txt", b"chat", "text/plain"),
        (2, 1, "WhatsApp Chat - Kari/IMG-20240101-WA0001.jpg", b"one", "image/jpeg"),
        (3, 1, "WhatsApp/Media/WhatsApp Images/IMG-20240101-WA0002.jpg", b"two", "image/jpeg"),
        (4, 1, "Report/files/Image/IMG-20240101-WA0002.jpg", b"two", "image/jpeg"),  # same bytes
        (5, 1, "DCIM/a/photo.jpg", b"first photo", "image/jpeg"),
        (6, 1, "DCIM/b/photo.jpg", b"second photo", "image/jpeg"),  # same name, other picture
        (7, 2, "Pictures/IMG-20240101-WA0001.jpg", b"one", "image/jpeg"),  # another exhibit
        (8, 1, "WhatsApp Chat - Kari/photo.jpg", b"third photo", "image/jpeg"),
    ]
    for file_id, exhibit, path, content, mime in layout:
        add_file(store, file_id, exhibit, path, content, mime)
        if mime.startswith("image/"):
            add_picture(store, file_id, [CODE] * 8)
    with store.write() as conn:
        insert(
            conn, "accounts", {"id": 1, "platform": "whatsapp", "handle_norm": "+4740000001", "handle": "x"}
        )
        conv = {
            "id": 1,
            "platform": "whatsapp",
            "title": "Kari",
            "exhibit_id": 1,
            "file_id": 1,
            "locator": "1",
        }
        insert(conn, "conversations", conv)
        for message_id, name in enumerate(
            ["IMG-20240101-WA0001.jpg", "IMG-20240101-WA0002.jpg", "photo.jpg", "missing.jpg"], start=1
        ):
            message = {"id": message_id, "conversation_id": 1, "sender_account_id": 1, "body": name}
            message |= {"kind": "media", "exhibit_id": 1, "file_id": 1, "locator": f"line {message_id}"}
            insert(conn, "messages", message | {"sent_at_utc": f"2024-01-0{message_id}"})
            insert(conn, "message_attachments", {"message_id": message_id, "name": name})
    summary = run_links(store)
    with store.read() as conn:
        links = conn.execute(text("SELECT file_id, message_id, link_kind FROM media_message_links")).all()
        sent = senders_of(conn, 2)
    assert sorted(map(tuple, links)) == [
        (2, 1, "name-in-exhibit"),  # file 7 is on another exhibit: not this device's copy
        (3, 2, "name-in-exhibit-same-content"),
        (4, 2, "name-in-exhibit-same-content"),
        (8, 3, "name-beside-chat"),
    ]
    assert (summary.linked, summary.ambiguous, summary.unresolved) == (4, 0, 1)
    assert [(m["sender"], m["exhibit"], m["locator"]) for m in sent] == [("+4740000001", "EX1", "line 1")]
