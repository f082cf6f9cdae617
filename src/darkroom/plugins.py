"""Entry-point plugins (parsers, hash-set readers, exporters): built-ins register exactly as a
third-party package would, and a broken registration is a packaging error, never skipped."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint
from typing import Any


def load_plugins(
    points: Iterable[EntryPoint], wanted: type[Any], kind: str, error: type[Exception]
) -> dict[str, Any]:
    """An instance of every registered plugin by its `name`; one that is not a `wanted`, or a second
    one with a name already taken, raises `error` naming the entry point."""
    found: dict[str, Any] = {}
    for entry in points:
        plugin = entry.load()()
        if not isinstance(plugin, wanted):
            msg = f"entry point {entry.name} ({entry.value}) is not a darkroom {kind}"
            raise error(msg)
        if plugin.name in found:
            msg = f"two {kind}s are named {plugin.name!r}"
            raise error(msg)
        found[plugin.name] = plugin
    return found
