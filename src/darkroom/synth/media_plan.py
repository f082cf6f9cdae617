"""Planning where every image lands, scene by scene, until the scale's image target is met."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from darkroom.synth.exhibits import ExhibitPlan, MediaRole
from darkroom.synth.media import (
    LISTINGS,
    VARIANTS,
    Attachment,
    Camera,
    ImagePlan,
    Listing,
    MediaPlan,
    Placement,
    ScenePlan,
    SeriesPlan,
    Variant,
    cameras_for,
    chat_routes,
    exhibit_folders,
    local_time,
    scene_time,
    sea_point,
    seized_peers,
)
from darkroom.synth.population import Population
from darkroom.synth.records import Conversation
from darkroom.synth.rng import derive_seed

_VARIANT_COUNT_WEIGHTS = (30, 25, 20, 15, 10)  # P(0..4 variants per scene)
_EDITOR = "Photo Editor 4.2"
# Chance that a variant of a known scene is itself listed, per listing of its series: (csv, vics).
_VARIANT_LISTED: dict[Listing, tuple[float, float]] = {"csv": (0.5, 0), "vics": (0, 0.5), "both": (0.4, 0.4)}


def plan_media(
    population: Population,
    exhibits: list[ExhibitPlan],
    conversations: Mapping[str, Conversation],
    owner_of: Mapping[str, str],
    target_images: int,
    seed: int,
    rng: random.Random,
) -> MediaPlan:
    """Series after series from weighted cameras until `target_images` files are placed."""
    peers = seized_peers(population, exhibits)
    cameras = cameras_for(population, exhibits, peers, rng)
    planner = _Planner(
        rng=rng,
        seed=seed,
        exhibits={e.ref: e for e in exhibits},
        folders=exhibit_folders(exhibits),
        peers=peers,
        routes=chat_routes(exhibits, conversations, owner_of),
        conversations=conversations,
    )
    weights = [3.0 if c.kind == "phone" and c.owner in planner.folders else 1.0 for c in cameras]
    series: list[SeriesPlan] = []
    scenes: list[ScenePlan] = []
    idle_rounds = 0
    while cameras and planner.placement_count < target_images and idle_rounds < 200:
        before = planner.placement_count
        camera = rng.choices(cameras, weights)[0]
        known = len(series) % 5 == 0
        listing = LISTINGS[(len(series) // 5) % len(LISTINGS)] if known else None
        series_id = f"S{len(series) + 1:05d}"
        new_scenes = [
            planner.scene(f"{series_id}-{n + 1}", series_id, camera, listing)
            for n in range(rng.randint(1, 4))
        ]
        category = rng.choice(("1", "2")) if known else None
        series.append(
            SeriesPlan(series_id, camera, known, category, tuple(s.id for s in new_scenes), listing)
        )
        scenes.extend(new_scenes)
        idle_rounds = idle_rounds + 1 if planner.placement_count == before else 0
    return MediaPlan(
        cameras=tuple(cameras),
        series=tuple(series),
        scenes=tuple(scenes),
        attachments={
            key: tuple(sorted(items, key=lambda a: a.sent_at)) for key, items in planner.attachments.items()
        },
        placement_count=planner.placement_count,
    )


@dataclass(slots=True)
class _Planner:
    """Mutable bookkeeping while placing images: used names, WhatsApp counters, attachments."""

    rng: random.Random
    seed: int
    exhibits: Mapping[str, ExhibitPlan]
    folders: Mapping[str, Mapping[MediaRole, list[str]]]
    peers: Mapping[str, list[str]]
    routes: Mapping[tuple[str, str], list[tuple[str, str]]]
    conversations: Mapping[str, Conversation]
    placement_count: int = 0
    image_count: int = 0
    used_paths: set[tuple[str, str]] = field(default_factory=set)
    whatsapp_counters: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    attachments: dict[tuple[str, str], list[Attachment]] = field(default_factory=lambda: defaultdict(list))

    def scene(self, scene_id: str, series_id: str, camera: Camera, listing: Listing | None) -> ScenePlan:
        """Plan one scene: the original where the owner keeps it, then its travelling variants."""
        rng = self.rng
        taken_at = scene_time(rng)
        gps = sea_point(rng) if rng.random() < camera.gps_rate else None
        listed = (listing in {"csv", "both"}, listing in {"vics", "both"})
        places = self._original_places(camera, taken_at)
        images = [self._image("original", (), 92, True, None, listed, places)]
        count = rng.choices(range(len(_VARIANT_COUNT_WEIGHTS)), _VARIANT_COUNT_WEIGHTS)[0]
        for variant in rng.sample(VARIANTS, count):
            places = self._variant_places(variant, camera, taken_at)
            if places:
                edited = variant in {"cropped", "brightness"} and places[0].conversation is None
                images.append(self._variant_image(variant, edited, self._variant_listed(listing), places))
        seed = derive_seed(self.seed, "scene", scene_id)
        return ScenePlan(scene_id, series_id, camera, seed, taken_at, gps, tuple(images))

    def _variant_listed(self, listing: Listing | None) -> tuple[bool, bool]:
        """Whether a variant of a known scene is listed itself in the CSV set and in a VICS list."""
        if listing is None:
            return (False, False)
        csv_chance, vics_chance = _VARIANT_LISTED[listing]
        return (self.rng.random() < csv_chance, self.rng.random() < vics_chance)

    def _image(
        self,
        variant: Variant,
        params: tuple[float, ...],
        quality: int,
        keep_exif: bool,
        edited_with: str | None,
        listed: tuple[bool, bool],
        places: list[Placement],
    ) -> ImagePlan:
        self.image_count += 1
        self.placement_count += len(places)
        image_id = f"I{self.image_count:06d}"
        in_csv, in_vics = listed
        return ImagePlan(
            image_id, variant, params, quality, keep_exif, edited_with, in_csv, in_vics, tuple(places)
        )

    def _variant_image(
        self, variant: Variant, edited: bool, listed: tuple[bool, bool], places: list[Placement]
    ) -> ImagePlan:
        rng = self.rng
        params: tuple[float, ...] = ()
        quality = 85
        if variant == "resized":
            params = (rng.choice((0.5, 0.75)),)
        elif variant == "recompressed":
            quality = rng.randrange(50, 71)
        elif variant == "cropped":
            params = (rng.uniform(0, 0.1), rng.uniform(0, 0.1), rng.uniform(0.9, 1), rng.uniform(0.9, 1))
        elif variant == "brightness":
            params = (rng.choice((rng.uniform(0.6, 0.8), rng.uniform(1.2, 1.4))),)
        return self._image(variant, params, quality, edited, _EDITOR if edited else None, listed, places)

    def _original_places(self, camera: Camera, taken_at: datetime) -> list[Placement]:
        rng, owner = self.rng, camera.owner
        local = local_time(taken_at)
        name = (
            f"IMG_{local:%Y%m%d_%H%M%S}.jpg"
            if camera.kind == "phone"
            else f"DSC_{rng.randrange(10_000):04d}.JPG"
        )
        places: list[Placement] = []
        own = self.folders.get(owner, {})
        if camera.kind == "phone":
            places += [self._place(ref, "camera", name, taken_at) for ref in own.get("camera", [])[:1]]
        copies: tuple[tuple[MediaRole, float], ...] = (
            ("pictures", 0.35 if camera.kind == "phone" else 1.0),
            ("photos", 0.5),
        )
        for role, chance in copies:
            for ref in own.get(role, [])[:1]:
                if rng.random() < chance:
                    places.append(self._place(ref, role, name, taken_at + timedelta(days=1)))
        if not own and self.peers.get(owner) and rng.random() < 0.3:
            places += self._to_downloads(owner, name, taken_at + timedelta(hours=rng.randrange(1, 96)))
        return places

    def _variant_places(self, variant: Variant, camera: Camera, taken_at: datetime) -> list[Placement]:
        rng, owner = self.rng, camera.owner
        later = taken_at + timedelta(minutes=rng.randrange(5, 60 * 24 * 20))
        own = self.folders.get(owner, {})
        if variant in {"cropped", "brightness"} and own.get("edited"):
            stem = f"IMG_{local_time(taken_at):%Y%m%d_%H%M%S}"
            return [self._place(own["edited"][0], "edited", f"{stem}_{variant}.jpg", later)]
        if variant in {"flipped", "rotated90"}:
            return self._to_downloads(owner, f"image_{rng.randrange(10_000, 100_000)}.jpg", later)
        places: list[Placement] = []
        for _ in range(rng.choice((1, 1, 2))):
            places += self._by_whatsapp(owner, later) or self._to_downloads(
                owner, f"photo_{rng.randrange(1000)}.jpg", later
            )
        return places

    def _by_whatsapp(self, sender: str, after: datetime) -> list[Placement]:
        """Send to a seized peer's phone through a chat both take part in."""
        rng = self.rng
        options = [
            (ref, route)
            for ref in self._peer_exhibits(sender, "received")
            for route in self.routes.get((ref, sender), [])
        ]
        if not options:
            return []
        ref, (conversation_id, account) = rng.choice(options)
        conversation = self.conversations[conversation_id]
        start = max(after, conversation.start_utc)
        sent_at = start + timedelta(
            seconds=rng.randrange(60, max(120, int((conversation.end_utc - start).total_seconds())))
        )
        day = f"{local_time(sent_at):%Y%m%d}"
        counter = self.whatsapp_counters[(ref, day)]
        self.whatsapp_counters[(ref, day)] = counter + 1
        placement = self._place(
            ref, "received", f"IMG-{day}-WA{counter:04d}.jpg", sent_at, conversation_id, account
        )
        file_name = placement.path.rpartition("/")[2]
        self.attachments[(ref, conversation_id)].append(Attachment(sent_at, account, file_name))
        return [placement]

    def _to_downloads(self, sender: str, name: str, when: datetime) -> list[Placement]:
        refs = self._peer_exhibits(sender, "downloads") or self.folders.get(sender, {}).get("downloads", [])
        if not refs:
            return []
        return [self._place(self.rng.choice(refs), "downloads", name, when)]

    def _peer_exhibits(self, person: str, role: MediaRole) -> list[str]:
        return [
            ref
            for peer in self.peers.get(person, [])
            if peer != person
            for ref in self.folders.get(peer, {}).get(role, [])
        ]

    def _place(
        self,
        ref: str,
        role: MediaRole,
        name: str,
        when: datetime,
        conversation: str | None = None,
        sender: str | None = None,
    ) -> Placement:
        folder = self.exhibits[ref].profile.media[role]
        stem, dot, suffix = name.rpartition(".")
        path, number = f"{folder}/{name}", 1
        while (ref, path) in self.used_paths:
            path, number = f"{folder}/{stem}_{number}{dot}{suffix}", number + 1
        self.used_paths.add((ref, path))
        return Placement(ref, path, when, conversation, sender)
