"""`truth.json`: the ground truth `darkroom eval` scores a processed case against.

Written with sorted keys and indent=1 exactly as `json.dump(..., sort_keys=True, indent=1)`
would, but list sections are streamed record by record so memory stays flat at dark-room scale.

Top level: `darkroom_synth` (format version), `seed`, `scale`, `case` {name, region, timezone},
`stats`, `hashsets`, and the lists
  exhibits        ref, path (relative to the output folder; folder or archive file), kind,
                  container, owner, seized_from/at/by, description, timezone, archive digest
  persons         id, name, role (suspect | hidden-suspect | bystander), networks, birthday …
  networks, households (with the shared landline), employers (with the office number), ties
  accounts        key `account:PLATFORM:HANDLE`, platform, handle, display_name, person,
                  identifiers [{kind, value}], in_evidence (seen in a written file)
  shared_identifiers, traps   identifiers on several accounts, and the deliberate ambiguities
  conversations   exported chats with their copies (exhibit, path, message_count)
  files           every written file: exhibit, path (`outer.zip!/inner` inside archives), kind,
                  size, sha256, content (chat: counts, accounts, participants; vcard: cards)
  images          every image file: digests, series, scene, variant, exif, known, chat origin
  series, cameras
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from darkroom.synth.artefacts.base import TruthFile
from darkroom.synth.exhibits import ExhibitPlan
from darkroom.synth.hashsets import COLUMNS, HashSetTruth
from darkroom.synth.plan import CasePlan
from darkroom.synth.render import TruthImage

TRUTH_VERSION = 1
Record = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ArchiveFacts:
    """Size and digest of an exhibit that is itself an archive file."""

    size: int
    sha256: str


def dump_sorted(
    target: IO[str], scalars: Mapping[str, object], sections: Mapping[str, Callable[[], Iterable[Record]]]
) -> None:
    """Write one JSON object: small values dumped whole, list sections streamed item by item."""
    keys = sorted({*scalars, *sections})
    target.write("{\n")
    for position, key in enumerate(keys):
        target.write(f" {json.dumps(key)}: ")
        if key in sections:
            _write_list(target, sections[key]())
        else:
            target.write(json.dumps(scalars[key], sort_keys=True, indent=1).replace("\n", "\n "))
        target.write(",\n" if position < len(keys) - 1 else "\n")
    target.write("}\n")


def _write_list(target: IO[str], items: Iterable[Record]) -> None:
    first = True
    for item in items:
        target.write("[\n  " if first else ",\n  ")
        target.write(json.dumps(item, sort_keys=True, indent=1).replace("\n", "\n  "))
        first = False
    target.write("[]" if first else "\n ]")


def write_truth(
    path: Path,
    plan: CasePlan,
    files: list[TruthFile],
    images: list[TruthImage],
    hashset: HashSetTruth,
    archives: Mapping[str, ArchiveFacts],
) -> None:
    """Write truth.json for the plan and what was actually written."""
    seen = _accounts_in_evidence(files)
    scalars: dict[str, object] = {
        "darkroom_synth": TRUTH_VERSION,
        "seed": plan.seed,
        "scale": plan.profile.name,
        "case": {"name": plan.case_name, "region": "GB", "timezone": "Europe/Oslo"},
        "hashsets": [{"format": "csv", "columns": list(COLUMNS), **asdict(hashset)}],
        "stats": _stats(plan, files, images, seen),
    }
    with path.open("w", encoding="utf-8", newline="\n") as target:
        dump_sorted(target, scalars, _sections(plan, files, images, archives, seen))


def _sections(
    plan: CasePlan,
    files: list[TruthFile],
    images: list[TruthImage],
    archives: Mapping[str, ArchiveFacts],
    seen: set[str],
) -> dict[str, Callable[[], Iterable[Record]]]:
    """The list sections of truth.json, each produced lazily while it is written."""
    population = plan.population
    return {
        "exhibits": lambda: (_exhibit(e, archives.get(e.ref)) for e in plan.exhibits),
        "persons": lambda: (_person(plan, p.id) for p in population.persons),
        "networks": lambda: map(asdict, population.networks),
        "households": lambda: map(asdict, population.households),
        "employers": lambda: map(asdict, population.employers),
        "ties": lambda: map(asdict, population.ties),
        "accounts": lambda: _accounts(plan, seen),
        "shared_identifiers": lambda: map(asdict, plan.accounts.shared),
        "traps": lambda: map(asdict, plan.accounts.traps),
        "conversations": lambda: _conversations(plan, files),
        "files": lambda: (_file(f) for f in files),
        "images": lambda: (_image(i) for i in images),
        "series": lambda: _series(plan, images),
        "cameras": lambda: map(asdict, plan.media.cameras),
    }


def _exhibit(exhibit: ExhibitPlan, archive: ArchiveFacts | None) -> Record:
    return {
        "ref": exhibit.ref,
        "path": exhibit.path,
        "kind": exhibit.profile.kind,
        "container": exhibit.profile.container,
        "profile": exhibit.profile.name,
        "owner": exhibit.owner,
        "seized_from": exhibit.seized_from,
        "seized_at": exhibit.seized_at.isoformat(),
        "seized_by": exhibit.seized_by,
        "description": exhibit.description,
        "timezone": exhibit.timezone,
        "device": {"make": exhibit.make, "model": exhibit.model},
        "whatsapp_accounts": list(exhibit.whatsapp_accounts),
        "archive": None if archive is None else {"size": archive.size, "sha256": archive.sha256},
    }


def _person(plan: CasePlan, person_id: str) -> Record:
    person = plan.population.by_id[person_id]
    return {
        "id": person.id,
        "name": person.name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": person.role,
        "networks": list(person.networks),
        "birthday": person.birthday,
        "household": person.household,
        "employer": person.employer,
        "seized": person.id in plan.population.seized,
    }


def _accounts_in_evidence(files: list[TruthFile]) -> set[str]:
    seen: set[str] = set()
    for item in files:
        content = item.content or {}
        accounts = content.get("accounts")
        if isinstance(accounts, list):
            seen.update(str(key) for key in accounts)
        cards = content.get("cards")
        if isinstance(cards, list):
            for card in cards:
                seen.update(str(key) for key in card.get("account_keys", []))
    return seen


def _accounts(plan: CasePlan, seen: set[str]) -> Iterator[Record]:
    for account in plan.accounts.accounts:
        yield {
            "key": account.key,
            "platform": account.platform,
            "handle": account.handle,
            "display_name": account.display_name,
            "person": account.person,
            "identifiers": [{"kind": i.kind, "value": i.value} for i in account.identifiers],
            "in_evidence": account.key in seen,
        }


def _conversations(plan: CasePlan, files: list[TruthFile]) -> Iterator[Record]:
    copies: dict[str, list[dict[str, object]]] = {}
    for item in files:
        content: dict[str, Any] = dict(item.content or {})
        # A chat export holds one conversation; a database or a UFDR report lists several.
        held: list[Any] = [content, *list(content.get("chats", [])), *list(content.get("conversations", []))]
        for part in held:
            conversation = part.get("conversation") if isinstance(part, dict) else None
            if isinstance(conversation, str):
                copies.setdefault(conversation, []).append(
                    {"exhibit": item.exhibit, "path": item.path, "message_count": part.get("message_count")}
                )
    for conversation_id, conversation in plan.conversations.items():
        if conversation_id in copies:
            yield {
                "id": conversation_id,
                "platform": conversation.platform,
                "accounts": list(conversation.accounts),
                "group": conversation.group_name,
                "message_count": conversation.message_count,
                "copies": copies[conversation_id],
            }


def _file(item: TruthFile) -> Record:
    return {
        "exhibit": item.exhibit,
        "path": item.path,
        "kind": item.kind,
        "size": item.size,
        "sha256": item.sha256,
        "content": dict(item.content) if item.content is not None else None,
    }


def _image(item: TruthImage) -> Record:
    return {
        "exhibit": item.exhibit,
        "path": item.path,
        "md5": item.md5,
        "sha1": item.sha1,
        "sha256": item.sha256,
        "size": item.size,
        "width": item.width,
        "height": item.height,
        "image": item.image,
        "series": item.series,
        "scene": item.scene,
        "variant": item.variant,
        "exif": dict(item.exif),
        "known": item.known,
        "conversation": item.conversation,
        "sender": item.sender,
    }


def _series(plan: CasePlan, images: list[TruthImage]) -> Iterator[Record]:
    files_per_series: dict[str, int] = {}
    exhibits_per_series: dict[str, set[str]] = {}
    for image in images:
        files_per_series[image.series] = files_per_series.get(image.series, 0) + 1
        exhibits_per_series.setdefault(image.series, set()).add(image.exhibit)
    for series in plan.media.series:
        if series.id in files_per_series:
            yield {
                "id": series.id,
                "camera": series.camera.id,
                "owner": series.camera.owner,
                "known": series.known,
                "category": series.category,
                "scenes": list(series.scenes),
                "file_count": files_per_series[series.id],
                "exhibits": sorted(exhibits_per_series[series.id]),
            }


def _stats(plan: CasePlan, files: list[TruthFile], images: list[TruthImage], seen: set[str]) -> Record:
    messages = sum(int(str((f.content or {}).get("message_count", 0))) for f in files)
    return {
        "exhibits": len(plan.exhibits),
        "persons": len(plan.population.persons),
        "accounts": len(plan.accounts.accounts),
        "accounts_in_evidence": len(seen),
        "files": len(files),
        "messages": messages,
        "images": len(images),
        "distinct_images": len({image.sha256 for image in images}),
    }
