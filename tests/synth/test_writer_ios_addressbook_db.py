"""The iOS address book writer: an AddressBook.sqlitedb (+ WAL) whose cards the ios-addressbook-db
parser reads back exactly as the writer's truth says (names, numbers and emails as typed, handles)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.base import ParseContext, ParsedContact
from darkroom.formats.ios_addressbook_db import IosAddressBookDb
from darkroom.synth.artefacts.base import TruthFile
from darkroom.synth.artefacts.ios_addressbook_db import IosAddressBookDbWriter
from tests.synth.ios_exhibit import IPHONE, SLOT_OF, IphoneCase, iphone_case

FOLDER = IPHONE.slots[SLOT_OF["ios-addressbook-db"]].path


@pytest.fixture(scope="module")
def case() -> IphoneCase:
    return iphone_case()


@pytest.fixture(scope="module")
def written(case: IphoneCase, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TruthFile]]:
    root = tmp_path_factory.mktemp("iphone-contacts")
    return root, case.write(IosAddressBookDbWriter(), root)


def _truth(files: list[TruthFile]) -> dict[str, Any]:
    content = next(f.content for f in files if f.kind == "ios-addressbook")
    assert content is not None
    return dict(content)


def test_files_and_truth(written: tuple[Path, list[TruthFile]]) -> None:
    _, files = written
    assert [f.path for f in files] == [f"{FOLDER}/AddressBook.sqlitedb{s}" for s in ("", "-wal", "-shm")]
    truth = _truth(files)
    assert truth["card_count"] == len(truth["cards"]) > 0 and truth["wal_card_count"] > 0


def test_parser_reads_back_every_card(written: tuple[Path, list[TruthFile]]) -> None:
    root, files = written
    truth = _truth(files)
    ctx = ParseContext("EX-1", "x", "NO", "Europe/Oslo", root)
    contacts = list(IosAddressBookDb().parse(root / FOLDER / "AddressBook.sqlitedb", ctx))
    assert ctx.warnings == [] and all(isinstance(c, ParsedContact) for c in contacts)
    assert len(contacts) == truth["card_count"]
    for contact, card in zip(contacts, truth["cards"], strict=True):
        assert isinstance(contact, ParsedContact)
        assert contact.display_name == card["name"]
        by_kind = {
            kind: [i["written"] for i in card["identifiers"] if i["kind"] == kind]
            for kind in ("phone", "email")
        }
        assert contact.fields.get("Phone", []) == by_kind["phone"]
        assert contact.fields.get("Email", []) == by_kind["email"]
        handles = [i["written"] for i in card["identifiers"] if i["kind"] == "handle"]
        assert [a.handle for a in contact.accounts if a.platform == "telegram"] == handles


def test_same_stream_same_bytes(
    case: IphoneCase, written: tuple[Path, list[TruthFile]], tmp_path: Path
) -> None:
    _, files = written
    again = case.write(IosAddressBookDbWriter(), tmp_path)
    assert [(f.path, f.sha256) for f in again] == [(f.path, f.sha256) for f in files]
