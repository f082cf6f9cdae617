"""The records a prosecution package is made of: one frozen dataclass per fact, grouped by section.

Restricted values are redacted when the records are gathered (see `redaction`), so a package
object never holds what the reader may not see. No record has a field for the advisory priority
score: it orders the team's work and never appears in a package (DESIGN, "Advisory scores").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LinkStatus = Literal["confirmed", "deterministic", "model-only"]
VerificationState = Literal["verified", "changed", "never"]


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A section whose data this case does not hold (its stage has not run or is not built yet)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact was read: the exhibit, the file inside it and the place in the file."""

    exhibit_ref: str
    file_id: int
    path: str
    locator: str


@dataclass(frozen=True, slots=True)
class CitedFile:
    """A file the package relies on, for the appendix: identified by its SHA-256."""

    file_id: int
    exhibit_ref: str
    path: str
    size: int | None
    sha256: str | None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The case the package comes from."""

    case_id: str
    name: str
    region: str
    timezone: str
    created_at_utc: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The audit chain's last row when the package was made: the state of the case it reflects."""

    seq: int
    row_hash: str


@dataclass(frozen=True, slots=True)
class CustodyEvent:
    """One audit row about an exhibit (registration, intake, verification)."""

    audit_seq: int
    at_utc: str
    actor: str
    action: str
    summary: str


@dataclass(frozen=True, slots=True)
class Verification:
    """The latest re-hash of an exhibit's source, and whether the recorded rows still match intake."""

    state: VerificationState
    at_utc: str | None
    actor: str | None
    summary: str
    records_match_manifest: bool


@dataclass(frozen=True, slots=True)
class ExhibitFacts:
    """An exhibit with its seizure facts, custody history and hash verification status."""

    exhibit_id: int
    ref: str
    description: str | None
    seized_from: str
    seized_at_utc: str
    seized_by: str
    timezone: str
    source_kind: str
    file_count: int
    total_bytes: int
    manifest_sha256: str | None
    suspect_appears: bool
    custody: tuple[CustodyEvent, ...]
    verification: Verification


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place an identifier was seen, as written there."""

    raw_value: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class IdentifierEvidence:
    """An identifier of one of the suspect's accounts with where it was seen (the first few)."""

    kind: str
    value: str
    is_shared: bool
    occurrences: tuple[Occurrence, ...]
    total_occurrences: int


@dataclass(frozen=True, slots=True)
class AccountName:
    """A display name an account used, and where it was seen."""

    display_name: str
    provenance: Provenance | None


@dataclass(frozen=True, slots=True)
class IdentityLink:
    """One account linked to the suspect: how (method, probability, reasons) and who confirmed it."""

    account_id: int
    platform: str
    handle: str
    restricted: bool
    names: tuple[AccountName, ...]
    method: str
    probability: float | None
    reasons: tuple[str, ...]
    status: LinkStatus
    first_seen_utc: str | None
    last_seen_utc: str | None
    identifiers: tuple[IdentifierEvidence, ...]


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """An investigator decision about the suspect or one of his accounts (kept in the audit chain)."""

    audit_seq: int
    at_utc: str
    actor: str
    kind: str
    subject: str
    object_ref: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Identity:
    """The suspect: the person record, every linked account and the decisions about them."""

    person_id: int
    label: str
    restricted: bool
    created_at_utc: str
    links: tuple[IdentityLink, ...]
    decisions: tuple[DecisionRecord, ...]


TimelineKind = Literal[
    "seizure", "first-message", "last-message", "account-first-seen", "account-last-seen", "decision"
]


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated event in the suspect's story; the template words it by `kind` in each language.

    seizure: subject = exhibit, who = seized from, by = seized by; first/last-message: subject =
    conversation, messages counts; account sightings: subject = account; decision: subject = kind,
    who = actor, note = reason.
    """

    at_utc: str
    at_local: str
    kind: TimelineKind
    subject: str
    who: str | None = None
    by: str | None = None
    note: str | None = None
    messages: int | None = None
    messages_by_suspect: int | None = None
    provenance: Provenance | None = None


@dataclass(frozen=True, slots=True)
class ExcerptMessage:
    """One message of an excerpt: times in UTC and local time, sender, text and provenance."""

    message_id: int
    sent_at_utc: str
    sent_at_local: str
    sender: str
    sender_is_suspect: bool
    body: str
    kind: str
    is_anchor: bool
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Messages around one or more chosen messages of one conversation, in order."""

    conversation_id: int
    platform: str
    title: str
    exhibit_ref: str
    zone_name: str
    reasons: tuple[str, ...]
    messages: tuple[ExcerptMessage, ...]


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    """A risk indicator found in a message (from the triage stage), never with any score."""

    message_id: int
    indicator: str
    matched_text: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """A conversation that names a resolvable future date (from the triage stage)."""

    planned_for_utc: str
    planned_for_local: str
    description: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Indicators:
    """Indicator hits and planned events in the suspect's conversations."""

    hits: tuple[IndicatorHit, ...]
    planned: tuple[PlannedEvent, ...]


@dataclass(frozen=True, slots=True)
class Partner:
    """A messaging partner of the suspect in the neighbourhood figure."""

    label: str
    messages: int
    conversations: int


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """The network around the suspect: an SVG figure and the partners it shows."""

    svg: str
    source: str
    partners: tuple[Partner, ...]


@dataclass(frozen=True, slots=True)
class MediaItem:
    """A categorised picture or video tied to the suspect: its hashes and where it is, never pixels."""

    file_id: int
    exhibit_ref: str
    path: str
    category: str
    relation: str
    md5: str | None
    sha1: str | None
    sha256: str | None


@dataclass(frozen=True, slots=True)
class MediaSection:
    """Media counts by category and the categorised items with their hashes."""

    counts: tuple[tuple[str, int], ...]
    items: tuple[MediaItem, ...]
    own_exhibits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A record an investigator bookmarked in the workspace, with its label."""

    label: str
    created_by: str
    created_at_utc: str
    message_id: int


@dataclass(frozen=True, slots=True)
class UnreadFile:
    """A file of an exhibit darkroom could not read (fully), and why."""

    path: str
    mime_type: str | None
    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class ExhibitDisclosure:
    """What could not be read in one exhibit: counts by status, counts by status and file type
    (complete), and the files themselves, failures first, up to a limit."""

    exhibit_ref: str
    counts: tuple[tuple[str, int], ...]
    by_type: tuple[tuple[str, str, int], ...]
    files: tuple[UnreadFile, ...]
    not_listed: int


@dataclass(frozen=True, slots=True)
class ProsecutionPackage:
    """Everything one package shows, in section order; rendered to HTML and PDF by `render`."""

    case: CaseFacts
    generated_at_utc: str
    darkroom_version: str
    chain_head: ChainHead
    clearance: str
    identity: Identity
    exhibits: tuple[ExhibitFacts, ...]
    timeline: tuple[TimelineEvent, ...]
    excerpts: tuple[Excerpt, ...]
    indicators: Indicators | Unavailable
    network: Neighbourhood | Unavailable
    media: MediaSection
    bookmarks: tuple[Bookmark, ...] | Unavailable
    disclosure: tuple[ExhibitDisclosure, ...]
    appendix: tuple[CitedFile, ...]
