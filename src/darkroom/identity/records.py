"""The records identity resolution works on: every account and every contact card in the case,
with the names, handles, strong identifiers and card fields that can tie it to a person.

A record's ref is `account:ID` or `contact:ID`. Strong identifiers (phone, email, wallet,
platform handle) are keyed `kind:value`; a card's social-profile field (`https://t.me/x`)
counts as the handle `telegram:x`, so a card naming a Telegram account links to it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, text

from darkroom.identifiers.normalize import NUMBER_PLATFORMS, is_e164, is_saved_name
from darkroom.identity.features import (
    HandleParts,
    email_parts,
    name_tokens,
    normalize_address,
    normalize_birthday,
    social_handle,
    split_handle,
)

STRONG_KINDS = frozenset({"phone", "email", "handle", "bitcoin", "ethereum", "monero"})
# Platforms whose handle is a display name, not an id (Meta's exports name people by their name).
NAME_PLATFORMS = frozenset({"facebook", "instagram-name", "contact-card"})
RecordKind = Literal["account", "contact"]

_NAME_FIELDS = ("fn", "name", "zfullname", "display_name", "wa_name", "displayname", "full_name")
_GIVEN_FIELDS = ("name.given", "first", "zgivenname", "given_name", "firstname", "first name")
_FAMILY_FIELDS = ("name.family", "last", "zlastname", "family_name", "lastname", "last name")
_NICK_FIELDS = ("nickname",)
_BIRTHDAY_FIELDS = ("bday", "birthday", "birthdate", "birth_date")
_ORG_FIELDS = ("org", "organization", "organisation", "company", "zorganization")
_ADDRESS_FIELDS = ("adr", "address", "postal", "postaladdress", "street", "streetaddress")
# Fields naming the address book's own account (Android's sync account), not the contact's.
_OWNER_FIELDS = frozenset({"account_name", "account_type", "account", "accountname", "source"})
# Social-profile fields and the sibling field that names their service.
_SOCIAL_FIELDS = {
    "x-socialprofile": "x-socialprofile.type",
    "userid": "userid.domain",
    "profile": "profile.service",
    "im": "im.protocol",
    "impp": "impp.type",
    "x-telegram": None,
}


@dataclass(frozen=True, slots=True)
class ResolutionRecord:
    """One account or contact card and everything identity resolution compares."""

    ref: str
    kind: RecordKind
    record_id: int
    platform: str
    handle: str | None  # an account's handle as written; None for cards
    names: tuple[str, ...]  # most telling first
    handles: tuple[HandleParts, ...]  # own handle, email local parts, social handles
    identifiers: frozenset[str]  # strong identifiers held, `kind:value`
    birthday: str | None
    org: str | None
    address: str | None
    exhibits: frozenset[int]
    restricted: bool
    name_label: bool  # an account whose "handle" is only a name a chat export showed

    @property
    def best_name(self) -> str | None:
        """The name shown for the record."""
        return self.names[0] if self.names else None


def name_rank(name: str) -> tuple[int, int, int]:
    """How telling a name is: first and full surname > surname initial > one word."""
    tokens = name_tokens(name)
    full = len(tokens) >= 2 and len(tokens[-1]) > 1
    return (int(full), min(len(tokens), 3), len(name))


def _ranked(names: Iterable[str]) -> tuple[str, ...]:
    unique = {" ".join(n.split()): None for n in names if n and n.strip() and name_tokens(n)}
    return tuple(sorted(unique, key=lambda n: (tuple(-x for x in name_rank(n)), n)))


def _is_name_label(platform: str, handle_norm: str) -> bool:
    """Whether an account's handle is only the name a chat export showed (no number, no id)."""
    if platform in NUMBER_PLATFORMS:
        return is_saved_name(platform, handle_norm)
    if is_e164(handle_norm):
        return False
    return platform in NAME_PLATFORMS or " " in handle_norm


def _account_handles(platform: str, handle_norm: str, name_label: bool) -> tuple[HandleParts, ...]:
    if name_label or is_e164(handle_norm):
        return ()
    if platform == "email" or (platform in NUMBER_PLATFORMS and "@" in handle_norm):
        parts = email_parts(handle_norm)
        handle = split_handle(parts[0]) if parts else None
    else:
        handle = split_handle(handle_norm.split("@", 1)[0])  # an XMPP address's local part
    return (handle,) if handle else ()


_ACCOUNTS_SQL = text(
    "SELECT a.id, a.platform, a.handle_norm, a.handle, a.restricted FROM accounts a ORDER BY a.id"
)
_ACCOUNT_NAMES_SQL = text("SELECT account_id, display_name, exhibit_id FROM account_names")
_ACCOUNT_EXHIBITS_SQL = text(
    "SELECT DISTINCT p.account_id, c.exhibit_id FROM conversation_participants p "
    "JOIN conversations c ON c.id = p.conversation_id"
)
_ACCOUNT_IDS_SQL = text(
    "SELECT ai.account_id, i.kind, i.value_norm FROM account_identifiers ai "
    "JOIN identifiers i ON i.id = ai.identifier_id"
)
_CONTACTS_SQL = text("SELECT id, display_name, fields_json, exhibit_id FROM contacts ORDER BY id")
_CONTACT_IDS_SQL = text(
    "SELECT DISTINCT o.contact_id, o.raw_value, i.kind, i.value_norm FROM identifier_occurrences o "
    "JOIN identifiers i ON i.id = o.identifier_id WHERE o.contact_id IS NOT NULL"
)


def identifier_key(kind: str, value: str) -> str:
    """The in-memory key of a strong identifier."""
    return f"{kind}:{value}"


def _account_identifier(platform: str, handle_norm: str) -> str:
    """The identifier an account's own handle is: a number, an email, else the platform handle."""
    if is_e164(handle_norm):
        return identifier_key("phone", handle_norm)
    if platform == "email" or (platform in NUMBER_PLATFORMS and "@" in handle_norm):
        return identifier_key("email", handle_norm)
    return identifier_key("handle", f"{platform}:{handle_norm}")


def load_accounts(conn: Connection) -> Iterator[ResolutionRecord]:
    """Every account with its display names, exhibits and identifiers."""
    names: dict[int, list[str]] = defaultdict(list)
    exhibits: dict[int, set[int]] = defaultdict(set)
    for row in conn.execute(_ACCOUNT_NAMES_SQL):
        names[row.account_id].append(row.display_name)
        if row.exhibit_id is not None:
            exhibits[row.account_id].add(row.exhibit_id)
    for row in conn.execute(_ACCOUNT_EXHIBITS_SQL):
        exhibits[row.account_id].add(row.exhibit_id)
    held: dict[int, set[str]] = defaultdict(set)
    for row in conn.execute(_ACCOUNT_IDS_SQL):
        if row.kind in STRONG_KINDS:
            held[row.account_id].add(identifier_key(row.kind, row.value_norm))
    for row in conn.execute(_ACCOUNTS_SQL):
        label = _is_name_label(row.platform, row.handle_norm)
        own = {_account_identifier(row.platform, row.handle_norm)}
        # a name-only account's handle is its saved name, keyed with its exhibit ("Jan W (EX-011)"):
        # its display names say the name without the key
        shown = (names[row.id] or [row.handle]) if label else names[row.id]
        yield ResolutionRecord(
            ref=f"account:{row.id}",
            kind="account",
            record_id=row.id,
            platform=row.platform,
            handle=row.handle,
            names=_ranked(shown),
            handles=_account_handles(row.platform, row.handle_norm, label),
            identifiers=frozenset(held[row.id] | own),
            birthday=None,
            org=None,
            address=None,
            exhibits=frozenset(exhibits[row.id]),
            restricted=bool(row.restricted),
            name_label=label,
        )


def _field_values(fields: Mapping[str, list[str]], wanted: Iterable[str]) -> list[str]:
    lowered = {key.lower(): values for key, values in fields.items()}
    found: list[str] = []
    for key in wanted:
        found.extend(v for v in lowered.get(key, []) if isinstance(v, str) and v.strip())
    return found


def _card_names(display_name: str | None, fields: Mapping[str, list[str]]) -> tuple[str, ...]:
    names = [display_name or "", *_field_values(fields, _NAME_FIELDS)]
    given = _field_values(fields, _GIVEN_FIELDS)
    family = _field_values(fields, _FAMILY_FIELDS)
    if given and family:
        names.append(f"{given[0]} {family[0]}")
    names.extend(given[:1])
    ranked = _ranked(names)
    nicknames = _ranked(_field_values(fields, _NICK_FIELDS))
    return ranked + tuple(n for n in nicknames if n not in ranked)


def _card_socials(fields: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    lowered = {key.lower(): values for key, values in fields.items()}
    found: list[tuple[str, str]] = []
    for field, service_field in _SOCIAL_FIELDS.items():
        values = lowered.get(field, [])
        services = lowered.get(service_field, []) if service_field else []
        for position, value in enumerate(values):
            service = services[position] if position < len(services) else None
            if field == "x-telegram":
                service = "telegram"
            handle = social_handle(value, service)
            if handle:
                found.append(handle)
    return found


def _first(values: list[str], normalize: Callable[[str], str | None]) -> str | None:
    for value in values:
        clean = normalize(value)
        if clean:
            return clean
    return None


def owner_only_values(fields: Mapping[str, list[str]]) -> set[str]:
    """Values found only in fields naming the address book's owner (never the contact's own)."""
    owner: set[str] = set()
    other: set[str] = set()
    for key, values in fields.items():
        target = owner if key.lower() in _OWNER_FIELDS else other
        target.update(v.strip() for v in values if isinstance(v, str))
    return owner - other


def parsed_fields(fields_json: str) -> dict[str, list[str]]:
    try:
        fields = json.loads(fields_json)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def load_contacts(conn: Connection) -> Iterator[ResolutionRecord]:
    """Every contact card with its names, identifiers and the fields cards carry."""
    occurrences: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in conn.execute(_CONTACT_IDS_SQL):
        if row.kind in STRONG_KINDS:
            key = identifier_key(row.kind, row.value_norm)
            occurrences[row.contact_id].append((row.raw_value.strip(), key))
    for row in conn.execute(_CONTACTS_SQL):
        fields = parsed_fields(row.fields_json)
        owner_only = owner_only_values(fields)
        held = {key for raw, key in occurrences.get(row.id, []) if raw not in owner_only}
        socials = _card_socials(fields)
        identifiers = held | {identifier_key("handle", f"{p}:{h}") for p, h in socials}
        handles = [split_handle(h) for _, h in socials]
        for key in sorted(held):
            if key.startswith("email:"):
                parts = email_parts(key.removeprefix("email:"))
                handles.append(split_handle(parts[0]) if parts else None)
        org_values = _field_values(fields, _ORG_FIELDS)
        yield ResolutionRecord(
            ref=f"contact:{row.id}",
            kind="contact",
            record_id=row.id,
            platform="contact",
            handle=None,
            names=_card_names(row.display_name, fields),
            handles=tuple(dict.fromkeys(h for h in handles if h)),
            identifiers=frozenset(identifiers),
            birthday=_first(_field_values(fields, _BIRTHDAY_FIELDS), normalize_birthday),
            org=org_values[0].split(";")[0].strip() if org_values else None,
            address=_first(_field_values(fields, _ADDRESS_FIELDS), normalize_address),
            exhibits=frozenset({row.exhibit_id}),
            restricted=False,
            name_label=False,
        )


def load_records(conn: Connection) -> list[ResolutionRecord]:
    """Accounts then contact cards, in id order (so runs are reproducible)."""
    return [*load_accounts(conn), *load_contacts(conn)]
