"""The shared entry-point loader: every parser, reader and exporter registration goes through it."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from darkroom.formats.base import Parser
from darkroom.formats.registry import RegistryError
from darkroom.plugins import load_plugins


class NotAParser:
    name = "nothing"


def _points(*values: str) -> list[EntryPoint]:
    return [EntryPoint(value.rsplit(":", 1)[1], value, "darkroom.formats") for value in values]


def test_registered_parsers_load_by_name() -> None:
    found = load_plugins(_points("darkroom.formats.vcard:VCard"), Parser, "parser", RegistryError)
    assert list(found) == ["vcard"] and isinstance(found["vcard"], Parser)


def test_a_plugin_of_the_wrong_kind_is_a_packaging_error() -> None:
    with pytest.raises(
        RegistryError, match=r"entry point NotAParser \(tests.test_plugins:NotAParser\) is not a"
    ):
        load_plugins(_points(f"{__name__}:NotAParser"), Parser, "parser", RegistryError)


def test_two_plugins_with_one_name_are_a_packaging_error() -> None:
    twice = _points("darkroom.formats.vcard:VCard", "darkroom.formats.vcard:VCard")
    with pytest.raises(RegistryError, match="two parsers are named 'vcard'"):
        load_plugins(twice, Parser, "parser", RegistryError)
