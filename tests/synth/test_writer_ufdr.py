"""The Cellebrite UFDR writer: darkroom's own report.xml parser reads back exactly what truth.json says."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import phonenumbers
import pytest

from darkroom.formats.base import (
    ParseContext,
    ParsedAccount,
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
)
from darkroom.formats.ufdr import UfdrReport
from darkroom.model import MessageKind
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext
from darkroom.synth.artefacts.ufdr import UfdrWriter, whatsapp_jid
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.fictional import is_fictional_phone
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot("ufdr", "Reports/UFED Samsung Galaxy/UFED_Extraction.ufdr")
DELETED = "recovered deleted record (deleted_state=Deleted); kept"
# Model ids, times, media names, group ids and the tool version look like numbers to the phone matcher.
NOT_NUMBERS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d\d-\d\dT[\d:.+-]+"
    r"|IMG-\d{8}-WA\d{4}\.jpg|120363\d+@g\.us|7\.60\.0\.110"
)


@pytest.fixture(scope="module")
def plan() -> CasePlan:
    return plan_case(SCALES["small"], 1)


def _context(plan: CasePlan) -> WriteContext:
    return plan.write_context()


def _phones(plan: CasePlan) -> list[ExhibitPlan]:
    return [e for e in plan.exhibits if e.profile.name == "android-phone"]


def _received_images(plan: CasePlan, exhibit: ExhibitPlan, root: Path) -> int:
    """Stand-ins for the images the image stage writes before the writers run (every other one)."""
    folder = root / exhibit.profile.media["received"]
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted({a.file_name for (ref, _), items in plan.media.attachments.items() if ref == exhibit.ref
                    for a in items})  # fmt: skip
    for name in names[::2]:
        (folder / name).write_bytes(b"\xff\xd8\xff\xe0 stand-in for " + name.encode())
    return len(names[::2])


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path, chats: tuple[str, ...] = ()) -> list[TruthFile]:
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(SLOT,))), SLOT, chats, root)
    rng = derive_rng(plan.seed, "writer", SLOT.writer, exhibit.ref, "0")
    return UfdrWriter().write(job, rng, _context(plan))


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _report(root: Path, files: list[TruthFile], tmp_path: Path) -> tuple[Path, zipfile.ZipFile]:
    outer = files[0]
    archive = zipfile.ZipFile(io.BytesIO((root / outer.path).read_bytes()))
    target = tmp_path / "report.xml"
    target.write_bytes(archive.read("report.xml"))
    return target, archive


def test_parser_reads_back_the_truth(plan: CasePlan, tmp_path: Path) -> None:
    assert _phones(plan)
    for exhibit in _phones(plan):
        root = tmp_path / exhibit.ref
        included = _received_images(plan, exhibit, root)
        files = _write(plan, exhibit, root)
        outer, inner, *images = files
        assert (outer.path, outer.kind, inner.path, inner.kind) == (
            SLOT.path, "ufdr", f"{SLOT.path}!/report.xml", "ufdr-report"
        )  # fmt: skip
        content = dict(inner.content or {})
        assert content["files_included"] == len(images) == included > 0
        report, archive = _report(root, files, tmp_path)
        for image in images:
            payload = archive.read(image.path.split("!/")[1])
            assert hashlib.sha256(payload).hexdigest() == image.sha256
        assert UfdrReport().sniff(report, report.read_bytes()[:65536]) == 0.95
        ctx = _ctx(tmp_path)
        records = list(UfdrReport().parse(report, ctx))
        assert Counter(w[1] for w in ctx.warnings) == Counter({DELETED: content["deleted_count"]})
        _check_chats(records, content, exhibit)
        _check_contacts(records, content)


def _check_chats(records: Sequence[object], content: dict[str, object], exhibit: ExhibitPlan) -> None:
    owners = [r for r in records if isinstance(r, ParsedAccount)]
    assert [(o.account.handle, o.is_owner) for o in owners] == [
        (whatsapp_jid(key.rpartition(":")[2]), True) for key in exhibit.whatsapp_accounts
    ]
    conversations = [r for r in records if isinstance(r, ParsedConversation)]
    chats = content["chats"]
    assert isinstance(chats, list)
    assert len(conversations) == len(chats) == content["chat_count"]
    messages = [r for r in records if isinstance(r, ParsedMessage)]
    assert len(messages) == content["message_count"]
    assert sum(len(m.attachments) for m in messages) == content["attachment_count"]
    assert sum(1 for m in messages if m.kind is MessageKind.MEDIA) == content["attachment_count"]
    for conversation, chat in zip(conversations, chats, strict=True):
        assert (conversation.platform, conversation.external_id) == ("whatsapp", chat["chat_id"])
        assert conversation.is_group is (chat["group"] is not None)
        labels = {p["label"] for p in chat["participants"]}
        jids = {whatsapp_jid(key.rpartition(":")[2]) for key in chat["accounts"]}
        if chat["group"] is not None:
            assert conversation.title == chat["group"]
        mine = [m for m in messages if m.conversation_key == conversation.key]
        assert len(mine) == chat["message_count"]
        assert {m.sender.display_name for m in mine if m.sender} <= labels
        assert {m.sender.handle for m in mine if m.sender} <= jids
        assert all(m.assumed_zone is None for m in mine)
        times = [m.sent_at for m in mine if m.sent_at is not None]
        assert (min(times), max(times)) == (
            datetime.fromisoformat(chat["first_local"]),
            datetime.fromisoformat(chat["last_local"]),
        )


def _check_contacts(records: Sequence[object], content: dict[str, object]) -> None:
    contacts = [r for r in records if isinstance(r, ParsedContact)]
    cards = content["cards"]
    assert isinstance(cards, list)
    assert len(contacts) == content["contact_count"] == len(cards)
    for contact, card in zip(contacts, cards, strict=True):
        assert contact.display_name == card["name"]
        written = {i["written"] for i in card["identifiers"] if i["kind"] in {"phone", "email"}}
        handles = {a.handle for a in contact.accounts if a.platform in {"phone", "email"}}
        assert handles == written
        telegram = [i["written"] for i in card["identifiers"] if i["kind"] == "handle"]
        assert [a.handle for a in contact.accounts if a.platform == "telegram"] == telegram


def test_assigned_chats_are_used_and_output_is_deterministic(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = _phones(plan)[0]
    chats = exhibit.chats[1][:2]
    first = _write(plan, exhibit, tmp_path / "a", chats)
    second = _write(plan, exhibit, tmp_path / "b", chats)
    assert [(f.path, f.sha256) for f in first] == [(f.path, f.sha256) for f in second]
    content = dict(first[1].content or {})
    assert [c["conversation"] for c in content["chats"]] == list(chats)  # type: ignore[attr-defined]
    assert content["files_included"] == 0  # no image stage ran


def test_written_report_holds_only_fictional_numbers(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = _phones(plan)[0]
    files = _write(plan, exhibit, tmp_path)
    report, _ = _report(tmp_path, files, tmp_path)
    text = NOT_NUMBERS.sub(" ", report.read_text(encoding="utf-8"))
    numbers = 0
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        assert is_fictional_phone(number), match.raw_string
        numbers += 1
    assert numbers > 20
