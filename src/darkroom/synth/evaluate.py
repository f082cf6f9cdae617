"""Scoring a processed case against a synthetic `truth.json`: what each format's parser recovered.

Recall per format = records found (capped at the number planted, per file) / records planted;
"extra" counts records beyond the planted ones, which recall alone would hide.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    contacts = content.get("card_count", content.get("contact_count", 0))
    return messages, int(contacts)


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


@dataclass(slots=True)
class IdentifierScore:
    """Extracted identifiers of one kind against the planted ones."""

    kind: str
    planted_in_evidence: int  # values written into the evidence files
    extracted: int
    true_positives: int
    recovered: int

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.recovered / self.planted_in_evidence if self.planted_in_evidence else None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall}


_PHONE_PLATFORMS = {"phone", "whatsapp", "sms"}


def _values_in(content: Any, kind: str, loose: bool = False) -> Iterator[str]:
    """Identifier values a file's truth content says the file holds: `{kind, value}` entries and
    `account:PLATFORM:HANDLE` keys of the kind's platforms; `loose` adds every email-shaped string
    (XMPP addresses look like emails: finding one is not a false positive)."""
    if isinstance(content, dict):
        if content.get("kind") == kind and isinstance(content.get("value"), str):
            yield content["value"]
        for value in content.values():
            yield from _values_in(value, kind, loose)
    elif isinstance(content, list):
        for item in content:
            yield from _values_in(item, kind, loose)
    elif isinstance(content, str) and content.startswith("account:"):
        _, platform, handle = content.split(":", 2)
        if (kind == "phone" and platform in _PHONE_PLATFORMS) or (kind == "email" and platform == "email"):
            yield handle
    elif loose and kind == "email" and isinstance(content, str) and "@" in content and " " not in content:
        yield content


def _planted_identifiers(truth: dict[str, Any], kind: str) -> tuple[set[str], set[str]]:
    """Every planted value of a kind, and those written into the evidence files."""
    in_files = {
        v.lower() if kind == "email" else v
        for f in truth["files"]
        for v in _values_in(f.get("content"), kind)
    }
    every = set(in_files)
    every.update(v.lower() for f in truth["files"] for v in _values_in(f.get("content"), kind, loose=True))
    every.update(
        v.lower() if kind == "email" else v
        for a in truth["accounts"]
        for v in _values_in(a["identifiers"], kind)
    )
    every.update(s["value"] for s in truth.get("shared_identifiers", []) if s["kind"] == kind)
    if kind == "phone":
        every.update(h["landline"] for h in truth.get("households", []) if h.get("landline"))
        every.update(e["office_number"] for e in truth.get("employers", []) if e.get("office_number"))
    return every, in_files


def score_identifiers(store: CaseStore, truth: dict[str, Any]) -> list[IdentifierScore]:
    """Phone and email extraction: precision against everything planted, recall of what is in evidence."""
    scores: list[IdentifierScore] = []
    with store.read() as conn:
        for kind in ("phone", "email"):
            extracted = {
                str(row[0]).lower() if kind == "email" else str(row[0])
                for row in conn.execute(
                    text("SELECT value_norm FROM identifiers WHERE kind = :k"), {"k": kind}
                )
            }
            every, in_evidence = _planted_identifiers(truth, kind)
            scores.append(
                IdentifierScore(
                    kind,
                    len(in_evidence),
                    len(extracted),
                    len(extracted & every),
                    len(extracted & in_evidence),
                )
            )
    return scores
