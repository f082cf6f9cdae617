"""Every identifier in truth.json and in the written files is fictional (reserved ranges only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import phonenumbers

from darkroom.synth.fictional import is_fictional_email, is_fictional_gps, is_fictional_phone
from tests.synth.conftest import SmallCase, read_exhibit_file

EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+")
# Dates (BDAY:1985-10-31, "den 22.04" in planted triage lines) and media names
# (IMG-20240907-WA0000.jpg) look like numbers.
NOT_NUMBERS = re.compile(r"\d{4}-\d\d-\d\d|IMG-\d{8}-WA\d{4}\.jpg|(?<![\d.])\d\d\.\d\d(?![\d.])")
TEXT_KINDS = {"vcard", "whatsapp-android-txt", "whatsapp-ios-txt", "text"}


def _truth_identifiers(truth: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for account in truth["accounts"]:
        yield from ((i["kind"], i["value"]) for i in account["identifiers"])
        if account["platform"] in {"phone", "whatsapp"}:
            yield "phone", account["handle"]
        if account["platform"] == "email":
            yield "email", account["handle"]
    yield from ((s["kind"], s["value"]) for s in truth["shared_identifiers"])
    yield from (("phone", h["landline"]) for h in truth["households"])
    yield from (("phone", e["office_number"]) for e in truth["employers"])
    for item in truth["files"]:
        for card in (item["content"] or {}).get("cards", []):
            yield from ((i["kind"], i["value"]) for i in card["identifiers"])


def _check(kind: str, value: str) -> bool:
    if kind == "phone":
        return is_fictional_phone(value)
    if kind == "email":
        return is_fictional_email(value)
    return True  # handles are random word combinations


def test_truth_identifiers_are_fictional(small_case: SmallCase) -> None:
    found = list(_truth_identifiers(small_case.truth))
    assert sum(1 for kind, _ in found if kind == "phone") > 100
    assert sum(1 for kind, _ in found if kind == "email") > 20
    assert [pair for pair in found if not _check(*pair)] == []


def test_written_text_holds_only_fictional_identifiers(small_case: SmallCase) -> None:
    phones = emails = 0
    for item in small_case.truth["files"]:
        if item["kind"] not in TEXT_KINDS:
            continue
        text = read_exhibit_file(small_case, item["exhibit"], item["path"]).decode("utf-8")
        text = NOT_NUMBERS.sub(" ", text)
        for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            assert is_fictional_phone(number), (item["path"], match.raw_string)
            phones += 1
        for address in EMAIL.findall(text):
            assert is_fictional_email(address), (item["path"], address)
            emails += 1
    assert phones > 50
    assert emails > 5


def test_photo_locations_are_at_sea(small_case: SmallCase) -> None:
    points = [i["exif"]["gps"] for i in small_case.truth["images"] if i["exif"] and i["exif"]["gps"]]
    assert points
    assert all(is_fictional_gps(p["lat"], p["lon"]) for p in points)


def test_hash_set_file_has_no_identifiers(small_case: SmallCase) -> None:
    text = (small_case.root / "hashsets" / "known.csv").read_text(encoding="utf-8")
    assert not EMAIL.search(text)
