"""The media plan: cameras, series of scenes, near-duplicate variants and where each file lands.

A series is the work of one camera: a few scenes, each an original photo plus variants
(resized, recompressed, cropped, flipped, rotated, brightened). Originals stay on the owner's
devices with full EXIF; variants travel to other seized devices (WhatsApp media, downloads),
mostly with EXIF stripped, as they would after passing through a messenger.

Every fifth series is known: its scenes' originals (and some variants) are listed in the CSV
hash set (with PDQ, so unlisted variants can be found perceptually), in the VICS sets (digests
only), or in both, in turn.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from darkroom.synth.exhibits import CASE_TIMEZONE, ExhibitPlan, MediaRole
from darkroom.synth.population import Population
from darkroom.synth.records import Conversation

Variant = Literal["original", "resized", "recompressed", "cropped", "flipped", "rotated90", "brightness"]
VARIANTS: tuple[Variant, ...] = ("resized", "recompressed", "cropped", "flipped", "rotated90", "brightness")
Listing = Literal["csv", "vics", "both"]
LISTINGS: tuple[Listing, ...] = ("csv", "vics", "both")
PHOTOS_BEGIN = datetime(2024, 3, 1, tzinfo=UTC)
PHOTOS_DAYS = 720
LOCAL_ZONE = ZoneInfo(CASE_TIMEZONE)


@dataclass(frozen=True, slots=True)
class Camera:
    """A camera whose EXIF ties photos to one device and so to one person."""

    id: str
    owner: str
    make: str
    model: str
    serial: str
    software: str
    width: int
    height: int
    gps_rate: float
    kind: Literal["phone", "dslr"]


@dataclass(frozen=True, slots=True)
class Placement:
    """One file an image becomes: exhibit, path inside the (staged) exhibit, file time, origin."""

    exhibit: str
    path: str
    when: datetime
    conversation: str | None = None
    sender: str | None = None


@dataclass(frozen=True, slots=True)
class ImagePlan:
    """One distinct image (one set of bytes) and every place it is written to."""

    id: str
    variant: Variant
    params: tuple[float, ...]
    quality: int
    keep_exif: bool
    edited_with: str | None
    in_csv: bool  # its digests are a row of hashsets/known.csv
    in_vics: bool  # its digests are a row of a VICS hash list
    placements: tuple[Placement, ...]

    @property
    def known(self) -> bool:
        """Listed exactly in a known (non-good) hash set."""
        return self.in_csv or self.in_vics


@dataclass(frozen=True, slots=True)
class ScenePlan:
    """One photographed synthetic scene; `gps` is (lat, lon) as (deg, min, sec x 100) triples."""

    id: str
    series: str
    camera: Camera
    seed: int
    taken_at: datetime
    gps: tuple[tuple[int, int, int], tuple[int, int, int]] | None
    images: tuple[ImagePlan, ...]


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """Scenes by one camera; a known series is (partly) in the known hash sets `listing` names."""

    id: str
    camera: Camera
    known: bool
    category: str | None
    scenes: tuple[str, ...]
    listing: Listing | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """An image received in a chat: the chat writer prints a line for it."""

    sent_at: datetime
    sender: str
    file_name: str


@dataclass(frozen=True, slots=True)
class MediaPlan:
    """Everything the image stage renders, and the attachments chat writers must mention."""

    cameras: tuple[Camera, ...]
    series: tuple[SeriesPlan, ...]
    scenes: tuple[ScenePlan, ...]
    attachments: Mapping[tuple[str, str], tuple[Attachment, ...]]
    placement_count: int


def gps_decimal(dms: tuple[int, int, int]) -> float:
    """Decimal degrees of a (deg, min, sec x 100) triple, rounded to 7 places."""
    degrees, minutes, centiseconds = dms
    return round(degrees + minutes / 60 + centiseconds / 360_000, 7)


def local_time(moment: datetime) -> datetime:
    """The wall-clock time in the case's zone, as cameras and chat exports print it."""
    return moment.astimezone(LOCAL_ZONE)


def cameras_for(
    population: Population, exhibits: list[ExhibitPlan], peers: Mapping[str, list[str]], rng: random.Random
) -> list[Camera]:
    """A camera per seized phone, a few DSLRs, and phones of hidden suspects with seized peers."""
    cameras: list[Camera] = []
    for exhibit in exhibits:
        if exhibit.profile.name == "android-phone":
            serial = "R" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(10))
            cameras.append(_camera(len(cameras), exhibit.owner, exhibit.make, exhibit.model, serial, "phone"))
    owners_with_pictures = sorted(
        {e.owner for e in exhibits if {"pictures", "photos"}.intersection(e.profile.media)}
    )
    for owner in owners_with_pictures:
        if rng.random() < 0.4:
            make, model = rng.choice((("Canon", "Canon EOS 250D"), ("NIKON CORPORATION", "NIKON D3500")))
            serial = "".join(rng.choice("0123456789") for _ in range(12))
            if make == "Canon":  # Canon's maker note holds the body number as an int32u, printed in 10 digits
                serial = f"{int(serial) % (2**32 - 1) + 1:010d}"
            cameras.append(_camera(len(cameras), owner, make, model, serial, "dslr"))
    for person in population.persons:
        if person.role == "hidden-suspect" and peers.get(person.id):
            serial = "".join(rng.choice("0123456789ABCDEF") for _ in range(14))
            cameras.append(_camera(len(cameras), person.id, "Apple", "iPhone 12", serial, "phone"))
    return cameras


def _camera(
    number: int, owner: str, make: str, model: str, serial: str, kind: Literal["phone", "dslr"]
) -> Camera:
    width, height = (1600, 1200) if kind == "dslr" else (640, 480)
    software = {"Apple": "16.6.1", "Canon": "Firmware Version 1.0.2"}.get(make.split(maxsplit=1)[0], "1.0.0")
    return Camera(f"CAM{number + 1:03d}", owner, make, model, serial, software, width, height, 0.6, kind)


def seized_peers(population: Population, exhibits: list[ExhibitPlan]) -> dict[str, list[str]]:
    """For each person, the seized owners they know (whose devices their photos can reach)."""
    owners = {e.owner for e in exhibits}
    peers: dict[str, set[str]] = defaultdict(set)
    for tie in population.ties:
        if tie.b in owners:
            peers[tie.a].add(tie.b)
        if tie.a in owners:
            peers[tie.b].add(tie.a)
    return {person: sorted(found) for person, found in peers.items()}


def chat_routes(
    exhibits: list[ExhibitPlan], conversations: Mapping[str, Conversation], owner_of: Mapping[str, str]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(receiving exhibit, sender person) -> [(conversation, sender account)] for WhatsApp media."""
    routes: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for exhibit in exhibits:
        if "received" not in exhibit.profile.media:
            continue
        for conversation_ids in exhibit.chats.values():
            for conversation_id in conversation_ids:
                for account in conversations[conversation_id].accounts:
                    sender = owner_of[account]
                    if sender != exhibit.owner:
                        routes[(exhibit.ref, sender)].append((conversation_id, account))
    return routes


def exhibit_folders(exhibits: list[ExhibitPlan]) -> dict[str, dict[MediaRole, list[str]]]:
    """person -> media role -> [exhibit refs of theirs offering that role]."""
    folders: dict[str, dict[MediaRole, list[str]]] = defaultdict(lambda: defaultdict(list))
    for exhibit in exhibits:
        for role in exhibit.profile.media:
            folders[exhibit.owner][role].append(exhibit.ref)
    return folders


def scene_time(rng: random.Random) -> datetime:
    """A moment in the photo period, to the second."""
    return PHOTOS_BEGIN + timedelta(seconds=rng.randrange(PHOTOS_DAYS * 86_400))


def sea_point(rng: random.Random) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """A GPS point in the open-sea box (45..55 N, 25..35 W), as exact DMS triples."""
    latitude = (rng.randrange(45, 55), rng.randrange(60), rng.randrange(6000))
    longitude = (rng.randrange(25, 35), rng.randrange(60), rng.randrange(6000))
    return latitude, longitude
