"""Scoring a processed case against a synthetic `truth.json`: what each format's parser recovered.

Recall per format = records found (capped at the number planted, per file) / records planted;
"extra" counts records beyond the planted ones, which recall alone would hide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import text

from darkroom.store import CaseStore

_COUNTS_SQL = text(
    "SELECT e.ref, f.display_path, p.status, p.parser, "
    "(SELECT COUNT(*) FROM messages m WHERE m.file_id = f.id) AS messages, "
    "(SELECT COUNT(*) FROM contacts c WHERE c.file_id = f.id) AS contacts "
    "FROM files f JOIN exhibits e ON e.id = f.exhibit_id "
    "LEFT JOIN file_parses p ON p.file_id = f.id"
)


@dataclass(slots=True)
class FormatScore:
    """Planted versus recovered records of one source format."""

    kind: str
    files: int = 0
    files_parsed: int = 0
    messages_planted: int = 0
    messages_found: int = 0
    messages_extra: int = 0
    contacts_planted: int = 0
    contacts_found: int = 0
    contacts_extra: int = 0

    @property
    def message_recall(self) -> float | None:
        return self.messages_found / self.messages_planted if self.messages_planted else None

    @property
    def contact_recall(self) -> float | None:
        return self.contacts_found / self.contacts_planted if self.contacts_planted else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "message_recall": self.message_recall, "contact_recall": self.contact_recall}


def _display_path(exhibit: dict[str, Any], path: str) -> str:
    """A truth path as intake shows it: members of an archive exhibit sit under `archive!/`."""
    if exhibit.get("container", "folder") == "folder":
        return path
    return f"{PurePosixPath(exhibit['path']).name}!/{path}"


def _planted(content: dict[str, Any]) -> tuple[int, int]:
    """Messages (system notices included: parsers keep them) and contact cards a file holds."""
    messages = int(content.get("message_count", 0)) + int(content.get("system_count", 0))
    return messages, int(content.get("card_count", 0))


def score_formats(store: CaseStore, truth: dict[str, Any]) -> list[FormatScore]:
    """Per planted format: files, files parsed, and message and contact recall."""
    exhibits = {exhibit["ref"]: exhibit for exhibit in truth["exhibits"]}
    with store.read() as conn:
        found = {(row.ref, row.display_path): row for row in conn.execute(_COUNTS_SQL)}
    scores: dict[str, FormatScore] = {}
    for planted_file in truth["files"]:
        content = planted_file.get("content") or {}
        kind = str(content.get("format") or planted_file["kind"])
        score = scores.setdefault(kind, FormatScore(kind))
        score.files += 1
        row = found.get(
            (planted_file["exhibit"], _display_path(exhibits[planted_file["exhibit"]], planted_file["path"]))
        )
        messages, contacts = _planted(content)
        score.messages_planted += messages
        score.contacts_planted += contacts
        if row is None or row.status != "parsed":
            continue
        score.files_parsed += 1
        score.messages_found += min(row.messages, messages)
        score.messages_extra += max(0, row.messages - messages)
        score.contacts_found += min(row.contacts, contacts)
        score.contacts_extra += max(0, row.contacts - contacts)
    return [scores[kind] for kind in sorted(scores)]
