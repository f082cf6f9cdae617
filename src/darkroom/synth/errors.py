"""Errors of the synthetic evidence generator, rooted in darkroom's one exception tree."""

from __future__ import annotations

from darkroom.errors import DarkroomError, InvalidInput


class SynthError(DarkroomError):
    """The generator cannot produce the requested case (e.g. a fictional number range ran out)."""


class OutputNotEmpty(InvalidInput):
    """The output folder already holds files; the generator never mixes with other content."""
