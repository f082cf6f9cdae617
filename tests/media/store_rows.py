"""Building media rows straight into a case, for tests of matching, series and review that
should not depend on decoding pictures."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from darkroom.store import CaseStore

NOW = "2026-01-01T00:00:00+00:00"


def insert(conn: Connection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    values = ", ".join(f":{key}" for key in row)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


def new_case(tmp_path: Path) -> CaseStore:
    store = CaseStore.create(tmp_path / "case", "Op Test", "NO", "Europe/Oslo")
    with store.write() as conn:
        for exhibit_id, ref, device in ((1, "EX1", "phone of A"), (2, "EX2", "laptop of B")):
            insert(
                conn,
                "exhibits",
                {
                    "id": exhibit_id,
                    "ref": ref,
                    "source_path": b"/",
                    "source_kind": "folder",
                    "seized_from": device,
                    "seized_at_utc": NOW,
                    "seized_by": "PC",
                    "intake_status": "complete",
                    "registered_at_utc": NOW,
                },
            )
    return store


def flip(code: bytes, bits: list[int]) -> bytes:
    array = np.unpackbits(np.frombuffer(code, dtype=np.uint8))
    array[bits] ^= 1
    return np.packbits(array).tobytes()


def add_file(
    store: CaseStore, file_id: int, exhibit_id: int, path: str, content: bytes, mime: str = "image/jpeg"
) -> None:
    digests = {name: hashlib.new(name, content).hexdigest() for name in ("md5", "sha1", "sha256")}
    row = {"id": file_id, "exhibit_id": exhibit_id, "path": path.encode(), "display_path": path}
    row |= {"entry_kind": "file", "size": len(content), "mime_type": mime, "recorded_at_utc": NOW}
    with store.write() as conn:
        insert(conn, "files", row | digests)


def add_picture(
    store: CaseStore, file_id: int, forms: list[bytes], quality: int = 90, size: tuple[int, int] = (640, 480)
) -> None:
    row = {"file_id": file_id, "media_kind": "image", "status": "done", "analyser_version": "test"}
    row |= {"analysed_at_utc": NOW, "width": size[0], "height": size[1]}
    row |= {"pdq_hex": forms[0].hex(), "pdq_quality": quality}
    with store.write() as conn:
        insert(conn, "media", row)
        for form, code in enumerate(forms):
            insert(conn, "media_hashes", {"file_id": file_id, "form": form, "pdq": code, "quality": quality})


def add_hashset(
    store: CaseStore, set_id: int, name: str, entries: list[dict[str, object]], known_good: bool = False
) -> None:
    row = {"id": set_id, "name": name, "format": "csv", "scheme": "nsrl" if known_good else "vics"}
    row |= {"source_path": "/x", "source_sha256": name * 4, "source_size": 1, "known_good": int(known_good)}
    row |= {"entry_count": len(entries), "status": "done", "imported_at_utc": NOW, "imported_by": "test"}
    with store.write() as conn:
        insert(conn, "hashsets", row)
        for number, entry in enumerate(entries):
            insert(conn, "hashset_entries", {"hashset_id": set_id, "locator": f"line {number + 2}", **entry})
