"""Gathering a prosecution package for one person from a case, in one read snapshot: every
section's records, the audit-chain head they reflect, and the appendix of every file cited."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Connection

from darkroom import __version__
from darkroom.clearance import Clearance
from darkroom.reports import facts, messages, neighbourhood, providers
from darkroom.reports.identity import identity as gather_identity
from darkroom.reports.media import media_section
from darkroom.reports.scope import SuspectScope, suspect_scope
from darkroom.reports.sections import (
    Bookmark,
    Excerpt,
    Identity,
    Indicators,
    MediaSection,
    ProsecutionPackage,
    TimelineEvent,
    Unavailable,
)
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso, utc_now

DEFAULT_CONTEXT = 3


@dataclass(frozen=True, slots=True)
class PackageRequest:
    """What the investigator asked for: the person, the reader's clearance, chosen messages,
    exhibits seized from the suspect, and how many messages of context around each excerpt."""

    person_id: int
    clearance: Clearance = "standard"
    message_ids: tuple[int, ...] = ()
    own_exhibits: tuple[str, ...] = ()
    context: int = DEFAULT_CONTEXT


def _anchors(
    conn: Connection,
    scope: SuspectScope,
    request: PackageRequest,
    bookmarks: tuple[Bookmark, ...] | Unavailable,
    indicators: Indicators | Unavailable,
) -> list[messages.Anchor]:
    """Chosen messages first, then bookmarks, then indicator hits; else the fallback sample."""
    anchors = [messages.Anchor(message_id, "investigator") for message_id in request.message_ids]
    if not isinstance(bookmarks, Unavailable):
        anchors += [messages.Anchor(b.message_id, "bookmark") for b in bookmarks]
    if not isinstance(indicators, Unavailable):
        anchors += [messages.Anchor(hit.message_id, "indicator") for hit in indicators.hits]
    return anchors or messages.fallback_anchors(conn, scope)


def gather(conn: Connection, request: PackageRequest) -> ProsecutionPackage:
    """Every section of the package, read inside the caller's (read) transaction."""
    if request.context < 0:
        request = replace(request, context=0)
    scope = suspect_scope(conn, request.person_id, request.clearance, request.own_exhibits)
    head = facts.chain_head(conn)
    identity = gather_identity(conn, scope)
    indicators = providers.indicators(conn, scope)
    bookmarks = providers.bookmarks(conn, scope)
    excerpts = messages.excerpts(
        conn, scope, _anchors(conn, scope, request, bookmarks, indicators), request.context
    )
    titles = messages.conversation_titles(conn, scope, scope.conversation_ids)
    timeline = messages.timeline(conn, scope, identity, titles)
    media = media_section(conn, scope)
    cited = _cited_file_ids(identity, excerpts, timeline, media, indicators)
    exhibits = facts.exhibit_facts(conn, scope, facts.exhibit_ids_of_files(conn, cited))
    return ProsecutionPackage(
        case=facts.case_facts(conn),
        generated_at_utc=to_iso(utc_now()),
        darkroom_version=__version__,
        chain_head=head,
        clearance=request.clearance,
        identity=identity,
        exhibits=exhibits,
        timeline=timeline,
        excerpts=excerpts,
        indicators=indicators,
        network=neighbourhood.neighbourhood(conn, scope, identity.label),
        media=media,
        bookmarks=bookmarks,
        disclosure=facts.disclosure(conn, exhibits),
        appendix=facts.cited_files(conn, cited),
    )


def _cited_file_ids(
    identity: Identity,
    excerpts: tuple[Excerpt, ...],
    timeline: tuple[TimelineEvent, ...],
    media: MediaSection,
    indicators: Indicators | Unavailable,
) -> set[int]:
    """Every file a section cites: name and identifier sightings, excerpts, timeline, media, hits."""
    cited: set[int] = set()
    for link in identity.links:
        cited.update(n.provenance.file_id for n in link.names if n.provenance is not None)
        for found in link.identifiers:
            cited.update(o.provenance.file_id for o in found.occurrences)
    for excerpt in excerpts:
        cited.update(m.provenance.file_id for m in excerpt.messages)
    cited.update(e.provenance.file_id for e in timeline if e.provenance is not None)
    cited.update(item.file_id for item in media.items)
    if not isinstance(indicators, Unavailable):
        cited.update(hit.provenance.file_id for hit in indicators.hits)
        cited.update(event.provenance.file_id for event in indicators.planned)
    return cited


def build_package(store: CaseStore, request: PackageRequest) -> ProsecutionPackage:
    """Open one read snapshot of the case and gather the package."""
    with store.read() as conn:
        return gather(conn, request)
