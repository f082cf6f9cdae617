"""Seized exhibits: which device profiles each seized owner has, and what goes where on them.

A device profile lists its artefact slots (which registered writer writes what, where), the
folders its images go to, and the sub-folders packed into archives. Adding a format to a
device is one `ArtefactSlot` line here plus the writer module.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from darkroom.synth.accounts import AccountBook
from darkroom.synth.population import Population
from darkroom.synth.records import Conversation
from darkroom.synth.vocab import IPHONE_MODELS, LAPTOP_MODELS, OFFICERS, PHONE_MODELS

ExhibitKind = Literal["phone", "laptop", "app-export"]
Container = Literal["folder", "zip", "tar.gz"]
MediaRole = Literal["camera", "edited", "received", "pictures", "downloads", "photos"]
CASE_TIMEZONE = "Europe/Oslo"
FIRST_SEIZURE = datetime(2026, 3, 14, 6, 10, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ArtefactSlot:
    """Where one writer puts its output on a device; `share` of the owner's chats or cards."""

    writer: str
    path: str
    share: float = 1.0


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """The shape of one kind of exhibit."""

    name: str
    kind: ExhibitKind
    container: Container
    slots: tuple[ArtefactSlot, ...]
    media: Mapping[MediaRole, str]
    packed_dirs: tuple[str, ...]  # zipped after writing, innermost first
    main_account_only: bool  # a phone holds one WhatsApp number; exports may hold several
    has_timezone: bool


IOS_WHATSAPP_GROUP = "private/var/mobile/Containers/Shared/AppGroup/5A0C9E3B-71D4-4F2A-9B8E-3C6D1F0A7E52"
PROFILES: dict[str, DeviceProfile] = {
    "android-phone": DeviceProfile(
        name="android-phone",
        kind="phone",
        container="folder",
        slots=(
            ArtefactSlot("vcard", "Contacts/contacts.vcf"),
            ArtefactSlot("whatsapp-android", "WhatsApp"),
            ArtefactSlot("ufdr", "Cellebrite/UFED_Report.ufdr"),
            ArtefactSlot("whatsapp-android-db", "data/data/com.whatsapp/databases"),
            ArtefactSlot(
                "android-contacts-db", "data/data/com.android.providers.contacts/databases/contacts2.db"
            ),
            ArtefactSlot(
                "android-sms-db", "data/user_de/0/com.android.providers.telephony/databases/mmssms.db"
            ),
        ),
        media={
            "camera": "DCIM/Camera",
            "edited": "Pictures/Edited",
            "received": "WhatsApp/Media/WhatsApp Images",
            "downloads": "Download",
        },
        packed_dirs=(),
        main_account_only=True,
        has_timezone=True,
    ),
    "iphone": DeviceProfile(
        name="iphone",
        kind="phone",
        container="folder",
        slots=(
            ArtefactSlot("ios-addressbook-db", "private/var/mobile/Library/AddressBook"),
            ArtefactSlot("ios-sms-db", "private/var/mobile/Library/SMS"),
            ArtefactSlot("whatsapp-ios-db", f"{IOS_WHATSAPP_GROUP}"),
        ),
        media={"received": f"{IOS_WHATSAPP_GROUP}/Message/Media"},
        packed_dirs=(),
        main_account_only=True,
        has_timezone=True,
    ),
    "laptop": DeviceProfile(
        name="laptop",
        kind="laptop",
        container="folder",
        slots=(
            ArtefactSlot("notes", "Documents"),
            ArtefactSlot("vcard", "Documents/contacts-backup.vcf", 0.7),
            ArtefactSlot("whatsapp-ios", "Downloads", 0.3),
            ArtefactSlot("whatsapp-ios", "Downloads/old-phone-backup", 0.25),
            ArtefactSlot(
                "mbox",
                "AppData/Roaming/Thunderbird/Profiles/k3v9x2qa.default-release/Mail/Local Folders/Inbox",
            ),
            ArtefactSlot("pidgin-log", "AppData/Roaming/.purple/logs"),
            ArtefactSlot("meta-dyi-json", "Downloads", 0.6),
        ),
        media={"pictures": "Pictures/Camera Roll", "edited": "Pictures/Edited", "downloads": "Downloads"},
        packed_dirs=("Downloads/old-phone-backup",),
        main_account_only=False,
        has_timezone=True,
    ),
    "takeout": DeviceProfile(
        name="takeout",
        kind="app-export",
        container="tar.gz",
        slots=(
            ArtefactSlot("vcard", "Takeout/Contacts/All Contacts/All Contacts.vcf", 0.9),
            ArtefactSlot("whatsapp-android", "Takeout/WhatsApp", 0.6),
        ),
        media={"photos": "Takeout/Google Photos/Camera"},
        packed_dirs=(),
        main_account_only=False,
        has_timezone=False,
    ),
    "ios-bundle": DeviceProfile(
        name="ios-bundle",
        kind="app-export",
        container="zip",
        slots=(
            ArtefactSlot("vcard", "contacts.vcf", 0.8),
            ArtefactSlot("whatsapp-ios", "", 0.7),
        ),
        media={},
        packed_dirs=(),
        main_account_only=False,
        has_timezone=True,
    ),
}

# Seized owners get these device sets in turn until the scale's exhibit count is reached.
OWNER_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("android-phone", "laptop"),
    ("iphone", "takeout"),
    ("ios-bundle", "iphone"),
    ("android-phone",),
    ("android-phone", "laptop", "takeout"),
    ("android-phone",),
    ("laptop", "ios-bundle"),
)


@dataclass(frozen=True, slots=True)
class ExhibitPlan:
    """One exhibit as it will be registered, plus what the writers put on it."""

    ref: str
    profile: DeviceProfile
    owner: str
    seized_from: str
    seized_at: datetime
    seized_by: str
    description: str
    timezone: str | None
    make: str
    model: str
    whatsapp_accounts: tuple[str, ...]
    chats: Mapping[int, tuple[str, ...]]  # slot index -> conversation ids exported there

    @property
    def path(self) -> str:
        """Where the exhibit lies, relative to the output folder."""
        suffix = "" if self.profile.container == "folder" else f".{self.profile.container}"
        return f"exhibits/{self.ref}{suffix}"


def owner_patterns(exhibit_count: int) -> list[tuple[str, ...]]:
    """Device sets per seized owner, in seizure order, adding up to exactly `exhibit_count`."""
    patterns: list[tuple[str, ...]] = []
    remaining = exhibit_count
    while remaining > 0:
        pattern = OWNER_PATTERNS[len(patterns) % len(OWNER_PATTERNS)][:remaining]
        patterns.append(pattern)
        remaining -= len(pattern)
    return patterns


def plan_exhibits(
    population: Population,
    accounts: AccountBook,
    conversations: list[Conversation],
    patterns: list[tuple[str, ...]],
    rng: random.Random,
) -> list[ExhibitPlan]:
    """Exhibits in reference order, each with its seizure facts and its share of the chats."""
    exhibits: list[ExhibitPlan] = []
    for number, (owner, pattern) in enumerate(zip(population.seized, patterns, strict=True)):
        seized_at = FIRST_SEIZURE + timedelta(
            days=number * 9 + rng.randrange(0, 5), minutes=rng.randrange(0, 90)
        )
        officer = rng.choice(OFFICERS)
        for profile_name in pattern:
            profile = PROFILES[profile_name]
            ref = f"EX-{len(exhibits) + 1:03d}"
            exhibits.append(
                _exhibit(ref, profile, owner, seized_at, officer, population, accounts, conversations, rng)
            )
    return exhibits


def _exhibit(
    ref: str,
    profile: DeviceProfile,
    owner: str,
    seized_at: datetime,
    officer: str,
    population: Population,
    accounts: AccountBook,
    conversations: list[Conversation],
    rng: random.Random,
) -> ExhibitPlan:
    person = population.by_id[owner]
    owned = [a.key for a in accounts.on_platform(owner, "whatsapp")]
    if profile.main_account_only:
        owned = owned[:1]
    mine = [c.id for c in conversations if set(owned).intersection(c.accounts)]
    chats: dict[int, tuple[str, ...]] = {}
    for index, slot in enumerate(profile.slots):
        if slot.writer.startswith("whatsapp"):
            chats[index] = tuple(c for c in mine if slot.share >= 1.0 or rng.random() < slot.share)
    make, model, _ = rng.choice(PHONE_MODELS)
    if profile.name == "iphone":
        make, model = "Apple", rng.choice(IPHONE_MODELS)
    if profile.kind == "laptop":
        make, model = "", rng.choice(LAPTOP_MODELS)
    return ExhibitPlan(
        ref=ref,
        profile=profile,
        owner=owner,
        seized_from=_seized_from(profile.kind, person.name),
        seized_at=seized_at,
        seized_by=officer,
        description=_description(profile, make, model),
        timezone=CASE_TIMEZONE if profile.has_timezone else None,
        make=make,
        model=model,
        whatsapp_accounts=tuple(owned),
        chats=chats,
    )


def _seized_from(kind: ExhibitKind, owner_name: str) -> str:
    if kind == "app-export":
        return f"Account data of {owner_name}, produced by the service provider on request"
    return f"{owner_name}, home address (search warrant)"


def _description(profile: DeviceProfile, make: str, model: str) -> str:
    if profile.name == "iphone":
        return f"iPhone ({model}), full file-system extraction as a folder"
    if profile.kind == "phone":
        return f"Android phone ({make} {model}), file-system extraction as a folder"
    if profile.kind == "laptop":
        return f"Laptop ({model}), user folders copied"
    if profile.container == "tar.gz":
        return "Account data export (tar.gz) with contacts, chats and photos"
    return "WhatsApp chat exports from an iPhone, bundled in a zip"
