"""The contacts2.db writer: darkroom's own parser reads back exactly what truth.json says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.android_contacts_db import AndroidContactsDb
from darkroom.formats.base import ParseContext, ParsedContact
from darkroom.identifiers.normalize import normalize_handle
from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.android_contacts_db import AndroidContactsDbWriter
from darkroom.synth.artefacts.base import SlotJob, TruthFile
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot("android-contacts-db", "data/data/com.android.providers.contacts/databases/contacts2.db")


@pytest.fixture(scope="module")
def plan() -> CasePlan:
    return plan_case(SCALES["small"], 1)


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path) -> list[TruthFile]:
    ctx = plan.write_context()
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(SLOT,))), SLOT, (), root)
    return AndroidContactsDbWriter().write(
        job, derive_rng(plan.seed, "writer", SLOT.writer, exhibit.ref, "0"), ctx
    )


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def test_parser_reads_back_every_card(plan: CasePlan, tmp_path: Path) -> None:
    phones = [e for e in plan.exhibits if e.profile.name == "android-phone"]
    for exhibit in phones:
        root = tmp_path / exhibit.ref
        files = _write(plan, exhibit, root)
        assert [f.path for f in files] == [SLOT.path, f"{SLOT.path}-wal"]
        content: dict[str, Any] = dict(files[0].content or {})
        path = root / SLOT.path
        assert AndroidContactsDb().sniff(Path("contacts2.db"), path.read_bytes()[:65536]) == 0.95
        ctx = _ctx(tmp_path)
        contacts = [r for r in AndroidContactsDb().parse(path, ctx) if isinstance(r, ParsedContact)]
        assert ctx.warnings == []
        assert len(contacts) == content["card_count"] == len(content["cards"])
        assert sum(1 for c in contacts if c.fields.get("deleted") == ["1"]) == content["deleted_count"] == 1
        for contact, card in zip(contacts, content["cards"], strict=True):
            assert contact.locator == f"raw_contacts._id={card['raw_contact_id']}"
            assert contact.display_name == card["name"]
            assert ("deleted" in contact.fields) == card["deleted"]
            parsed = {
                account_key(a.platform, normalize_handle(a.platform, a.handle, "GB"))
                for a in contact.accounts
            }
            known = {key for key in parsed if key in plan.accounts.by_key}
            assert known <= set(card["account_keys"])
            values = {i["value"] for i in card["identifiers"] if i["kind"] == "phone"}
            assert set(contact.fields.get("phone.e164", [])) <= values


def test_newest_cards_live_only_in_the_wal(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = next(e for e in plan.exhibits if e.profile.name == "android-phone")
    files = _write(plan, exhibit, tmp_path)
    content: dict[str, Any] = dict(files[0].content or {})
    (tmp_path / files[1].path).unlink()
    contacts = list(AndroidContactsDb().parse(tmp_path / SLOT.path, _ctx(tmp_path)))
    assert len(contacts) == content["card_count"] - content["wal_card_count"]


def test_same_seed_same_bytes(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = next(e for e in plan.exhibits if e.profile.name == "android-phone")
    first, second = _write(plan, exhibit, tmp_path / "a"), _write(plan, exhibit, tmp_path / "b")
    assert [(f.path, f.sha256) for f in first] == [(f.path, f.sha256) for f in second]
