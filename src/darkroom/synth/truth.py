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
  images          every image file: digests, series, scene, variant (= transform), exif, chat
                  origin, `pdq_hex`/`pdq_quality` of the file as a viewer decodes it, `in_csv`,
                  `in_vics`, `listed_in` (hash-set paths), `known` (listed in a known set),
                  `known_good` (an NSRL-listed system picture: series/scene null), `known_scene`,
                  and `expected_match`: "exact" (its digests are listed), "perceptual" (its
                  scene's original PDQ is in known.csv) or null
  scenes          darkroom's unit of a "series": a cluster of near-duplicates = one scene (its
                  original and variants), with the original's digests and PDQ (seized or not)
  series, cameras truth series: scenes by one camera
  videos          path, exhibit, digests, duration, fps, codec, the scene whose original fills
                  whole seconds [start_s, end_s), listing and expected match
  hashsets        (scalar) the four hash-set files: format, rows, rows matching evidence, rows
                  for files not in evidence, decoys
  planned_events  triage scripts planted into chats (synth/events.py): planned events (urgent
                  or past, with the days they name), decoys that must raise no alert, chatter;
                  each with its conversation, speaker, exhibits, reference seizure, messages
  high_risk       the planted high-risk suspects and the urgent events they wrote
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, Any

from darkroom.synth.artefacts.base import TruthFile
from darkroom.synth.events import high_risk_records, planted_records
from darkroom.synth.exhibits import ExhibitPlan
from darkroom.synth.hashsets import COLUMNS, HashSetTruth, MediaTruth, SystemFile
from darkroom.synth.images import Digests, ViewerPdq
from darkroom.synth.media import ImagePlan, Listing
from darkroom.synth.plan import CasePlan
from darkroom.synth.render import TruthImage
from darkroom.synth.videos import CODEC, CONTAINER, FPS, HEIGHT, WIDTH, WrittenVideo

TRUTH_VERSION = 2
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
    media: MediaTruth,
    archives: Mapping[str, ArchiveFacts],
) -> None:
    """Write truth.json for the plan and what was actually written."""
    seen = _accounts_in_evidence(files)
    copies = embedded_copies(files, images)
    images = sorted([*images, *copies], key=lambda item: (item.exhibit, item.path))
    scalars: dict[str, object] = {
        "darkroom_synth": TRUTH_VERSION,
        "seed": plan.seed,
        "scale": plan.profile.name,
        "case": {"name": plan.case_name, "region": "GB", "timezone": "Europe/Oslo"},
        "hashsets": [_hashset(hashset) for hashset in media.hashsets],
        "stats": _stats(plan, files, images, seen, media),
    }
    sections = _sections(plan, files, images, archives, seen)
    sections.update(_media_sections(plan, images, media, {(c.exhibit, c.path) for c in copies}))
    with path.open("w", encoding="utf-8", newline="\n") as target:
        dump_sorted(target, scalars, sections)


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
        "series": lambda: _series(plan, images),
        "cameras": lambda: map(asdict, plan.media.cameras),
        "planned_events": lambda: iter(planted_records(plan)),
        "high_risk": lambda: iter(high_risk_records(plan)),
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


def _stats(
    plan: CasePlan, files: list[TruthFile], images: list[TruthImage], seen: set[str], media: MediaTruth
) -> Record:
    messages = sum(int(str((f.content or {}).get("message_count", 0))) for f in files)
    return {
        "exhibits": len(plan.exhibits),
        "persons": len(plan.population.persons),
        "accounts": len(plan.accounts.accounts),
        "accounts_in_evidence": len(seen),
        "files": len(files),
        "messages": messages,
        "images": len(images) + len(media.system_files),
        "distinct_images": len({image.sha256 for image in images}),
        "scenes": len(media.originals),
        "known_good_files": len(media.system_files),
        "videos": len(media.videos),
    }


def _hashset(hashset: HashSetTruth) -> Record:
    record: dict[str, object] = {
        "path": hashset.path,
        "format": hashset.format,
        "version": hashset.version or None,
        "known_good": hashset.known_good,
        "rows": hashset.rows,
        "rows_in_evidence": hashset.rows_in_evidence,
        "rows_elsewhere": hashset.rows_elsewhere,
        "decoy_rows": hashset.decoy_rows,
    }
    if hashset.format == "csv":
        record["columns"] = list(COLUMNS)
    return record


def embedded_copies(files: list[TruthFile], images: list[TruthImage]) -> list[TruthImage]:
    """Photos the artefact writers copied into their files (a UFDR report's `files/Image/`)."""
    by_sha256 = {image.sha256: image for image in images}
    written = {(image.exhibit, image.path) for image in images}
    return [
        replace(by_sha256[item.sha256], exhibit=item.exhibit, path=item.path)
        for item in files
        if item.sha256 in by_sha256 and (item.exhibit, item.path) not in written
    ]


def _media_sections(
    plan: CasePlan, images: list[TruthImage], media: MediaTruth, embedded: set[tuple[str, str]]
) -> dict[str, Callable[[], Iterable[Record]]]:
    """The media sections: every image (photos, their embedded copies, system pictures), scenes, videos."""
    listed_in = media.listed_in(known_good=False)
    good_in = media.listed_in(known_good=True)
    listings = {series.id: series.listing for series in plan.media.series}
    plans = {image.id: image for scene in plan.media.scenes for image in scene.images}

    def every_image() -> Iterator[Record]:
        records = [
            _image(i, plans[i.image], listings[i.series], listed_in, media, (i.exhibit, i.path) in embedded)
            for i in images
        ]
        records.extend(_system_image(f, good_in, media) for f in media.system_files)
        return iter(sorted(records, key=lambda r: (str(r["exhibit"]), str(r["path"]))))

    return {
        "images": every_image,
        "scenes": lambda: _scenes(plan, images, media),
        "videos": lambda: (_video(v, listings, listed_in) for v in media.videos),
    }


def _expected(listed: list[str], listing: Listing | None) -> str | None:
    """How a file should match: by its digests, by its scene's original PDQ in the CSV, or not."""
    if listed:
        return "exact"
    return "perceptual" if listing in {"csv", "both"} else None


def _picture(
    exhibit: str, path: str, digests: Digests, size: tuple[int, int], pdq: ViewerPdq
) -> dict[str, object]:
    """The fields every image record has: where it is, its digests, size and PDQ as decoded."""
    return {
        "exhibit": exhibit,
        "path": path,
        "md5": digests.md5,
        "sha1": digests.sha1,
        "sha256": digests.sha256,
        "size": digests.size,
        "width": size[0],
        "height": size[1],
        "pdq_hex": pdq.pdq_hex,
        "pdq_quality": pdq.quality,
    }


def _image(
    item: TruthImage,
    plan: ImagePlan,
    listing: Listing | None,
    listed_in: Mapping[str, list[str]],
    media: MediaTruth,
    embedded: bool,
) -> Record:
    listed = listed_in.get(item.sha256, [])
    digests = Digests(item.md5, item.sha1, item.sha256, item.size)
    return {
        **_picture(item.exhibit, item.path, digests, (item.width, item.height), media.pdqs[item.sha256]),
        "image": item.image,
        "series": item.series,
        "scene": item.scene,
        "variant": item.variant,
        "transform": item.variant,
        "transform_params": list(plan.params),
        "jpeg_quality": plan.quality,
        "exif": dict(item.exif),
        "in_csv": plan.in_csv,
        "in_vics": plan.in_vics,
        "listed_in": listed,
        "known": plan.known,
        "known_good": False,
        "known_scene": listing is not None,
        "expected_match": _expected(listed, listing),
        "embedded": embedded,
        "conversation": item.conversation,
        "sender": item.sender,
    }


_NOT_A_PHOTO: Record = {
    **dict.fromkeys(
        ("series", "scene", "transform", "jpeg_quality", "expected_match", "conversation", "sender")
    ),
    **dict.fromkeys(("in_csv", "in_vics", "known", "known_scene", "embedded"), False),
}


def _system_image(item: SystemFile, good_in: Mapping[str, list[str]], media: MediaTruth) -> Record:
    size, sha256 = (item.item.width, item.item.height), item.digests.sha256
    return {
        **_picture(item.exhibit, item.item.path, item.digests, size, media.pdqs[sha256]),
        **_NOT_A_PHOTO,
        "image": f"system:{item.item.path}",
        "variant": "system",
        "transform_params": [],
        "exif": {},
        "listed_in": good_in.get(sha256, []),
        "known_good": sha256 in good_in,
    }


def _scenes(plan: CasePlan, images: list[TruthImage], media: MediaTruth) -> Iterator[Record]:
    files: dict[str, list[TruthImage]] = {}
    for image in images:
        files.setdefault(image.scene, []).append(image)
    listings = {series.id: series.listing for series in plan.media.series}
    for scene in plan.media.scenes:
        original = media.originals.get(scene.id)
        if original is None:
            continue
        listing = listings[scene.series]
        held = files.get(scene.id, [])
        yield {
            "id": scene.id,
            "series": scene.series,
            "camera": scene.camera.id,
            "listing": listing,
            "known": listing is not None,
            "pdq_listed": listing in {"csv", "both"},
            "original": {
                "image": original.image,
                "md5": original.digests.md5,
                "sha1": original.digests.sha1,
                "sha256": original.digests.sha256,
                "pdq_hex": original.pdq.pdq_hex,
                "pdq_quality": original.pdq.quality,
                "in_evidence": original.in_evidence,
            },
            "images": sorted({image.image for image in held}),
            "variants": sorted({image.variant for image in held}),
            "file_count": len(held),
            "exhibits": sorted({image.exhibit for image in held}),
        }


def _video(
    video: WrittenVideo, listings: Mapping[str, Listing | None], listed_in: Mapping[str, list[str]]
) -> Record:
    plan, digests = video.plan, video.digests
    stretch = plan.stretch
    series = None if stretch is None else stretch.scene.rpartition("-")[0]
    listing = None if series is None else listings[series]
    listed = listed_in.get(digests.sha256, [])
    return {
        "id": plan.id,
        "exhibit": plan.exhibit,
        "path": plan.path,
        "md5": digests.md5,
        "sha1": digests.sha1,
        "sha256": digests.sha256,
        "size": digests.size,
        "width": WIDTH,
        "height": HEIGHT,
        "fps": FPS,
        "frames": plan.frame_count,
        "duration_s": plan.duration_s,
        "codec": CODEC,
        "container": CONTAINER,
        "scene": None if stretch is None else stretch.scene,
        "series": series,
        "scene_seconds": None if stretch is None else {"start_s": stretch.start_s, "end_s": stretch.end_s},
        "in_vics": plan.in_vics,
        "listed_in": listed,
        "known": bool(listed),
        "known_scene": listing is not None,
        "transform": "video",
        "expected_match": _expected(listed, listing),
    }
