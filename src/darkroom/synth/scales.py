"""Sizes of the synthetic cases: a seconds-fast `small`, a 10x `medium`, the model `dark-room`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

ScaleName = Literal["small", "medium", "dark-room"]
SCALE_NAMES: tuple[ScaleName, ...] = get_args(ScaleName)


@dataclass(frozen=True, slots=True)
class ScaleProfile:
    """How big each part of a generated case is; targets are approximate except `exhibits`."""

    name: ScaleName
    persons: int
    networks: int
    hidden_suspects: int
    exhibits: int
    acquaintances_per_owner: int  # loose contacts added to each seized owner's address book
    messages: int  # target message lines summed over every written chat file
    images: int  # target image files summed over every exhibit


SCALES: dict[ScaleName, ScaleProfile] = {
    "small": ScaleProfile("small", 60, 2, 8, 5, 8, 3_000, 150),
    "medium": ScaleProfile("medium", 600, 6, 70, 16, 60, 40_000, 1_500),
    "dark-room": ScaleProfile("dark-room", 1_900, 12, 40, 60, 110, 1_100_000, 50_000),
}
# dark-room plants 40 hidden suspects beside its 33 seized owners: the model case charged 51 men
# in all (DESIGN.md), so the unknown suspects its contact lists led to were tens, not hundreds.
