"""Contact lists as vCard 3.0 (`.vcf`): one card per saved contact, CRLF, folded at 75 octets.

A card looks like:
    BEGIN:VCARD / VERSION:3.0 / N:B;Tom;;; / FN:Tom B / TEL;TYPE=CELL:07700 900123 / END:VCARD
"""

from __future__ import annotations

import random
from datetime import timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, write_file
from darkroom.synth.contacts import ContactEntry


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets as RFC 2425 asks (continuations start with a space)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def card_lines(entry: ContactEntry) -> list[str]:
    """The content lines of one card, unfolded."""
    given, _, family = entry.saved_name.partition(" ")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(family)};{_escape(given)};;;",
        f"FN:{_escape(entry.saved_name)}",
    ]
    lines += [f"TEL;TYPE={phone.label}:{phone.written}" for phone in entry.phones]
    lines += [f"EMAIL;TYPE=INTERNET:{email}" for email in entry.emails]
    if entry.nickname:
        lines.append(f"NICKNAME:{_escape(entry.nickname)}")
    if entry.org:
        lines.append(f"ORG:{_escape(entry.org)}")
    if entry.birthday:
        lines.append(f"BDAY:{entry.birthday}")
    if entry.telegram:
        lines.append(f"X-SOCIALPROFILE;TYPE=telegram:https://t.me/{entry.telegram}")
    lines.append("END:VCARD")
    return lines


def card_truth(index: int, entry: ContactEntry, ctx: WriteContext) -> dict[str, object]:
    """What one card holds, for truth.json: the real person and the accounts it points at."""
    identifiers: list[dict[str, str]] = [
        {"kind": "phone", "value": phone.e164, "written": phone.written} for phone in entry.phones
    ]
    identifiers += [{"kind": "email", "value": email.lower(), "written": email} for email in entry.emails]
    candidates = [account_key(p, phone.e164) for phone in entry.phones for p in ("phone", "whatsapp")]
    candidates += [account_key("email", email) for email in entry.emails]
    if entry.telegram:
        identifiers.append({"kind": "handle", "value": entry.telegram.lower(), "written": entry.telegram})
        candidates.append(account_key("telegram", entry.telegram))
    return {
        "index": index,
        "name": entry.saved_name,
        "person": entry.person,
        "identifiers": identifiers,
        "account_keys": [key for key in candidates if key in ctx.accounts.by_key],
    }


class VCardWriter:
    """The owner's address book (or the slot's share of it, as an older backup would be)."""

    name = "vcard"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """One `.vcf` at the slot's path."""
        book = ctx.address_books.get(job.exhibit.owner)
        if book is None:
            return []
        entries = [e for e in book.entries if job.slot.share >= 1.0 or rng.random() < job.slot.share]
        lines: list[str] = []
        for entry in entries:
            lines.extend(_fold(line) for line in card_lines(entry))
        payload = ("\r\n".join(lines) + "\r\n").encode("utf-8")
        content = {
            "format": self.name,
            "card_count": len(entries),
            "cards": [card_truth(index, entry, ctx) for index, entry in enumerate(entries)],
        }
        when = job.exhibit.seized_at - timedelta(days=rng.randrange(1, 60))
        return [write_file(job, job.slot.path, payload, when, "vcard", content)]
