"""The Meta DYI writer: darkroom's own Messenger JSON parser reads back exactly what truth.json says."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import phonenumbers
import pytest

from darkroom.formats.base import ParseContext, ParsedAccount, ParsedConversation, ParsedMessage
from darkroom.formats.meta_dyi_json import MetaDyiJson
from darkroom.model import MessageKind
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext
from darkroom.synth.artefacts.meta_dyi_json import MetaDyiJsonWriter, facebook_name
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.fictional import is_fictional_email
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot("meta-dyi-json", "Downloads")
PATH = re.compile(
    r"^Downloads/facebook-[a-z]+-\d{4}-\d\d-\d\d/messages/inbox/[a-z0-9]+_\d{16}/message_1\.json$"
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan() -> CasePlan:
    return plan_case(SCALES["small"], 1)


def _context(plan: CasePlan) -> WriteContext:
    return plan.write_context()


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path, slot: ArtefactSlot = SLOT) -> list[TruthFile]:
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(slot,))), slot, (), root)
    rng = derive_rng(plan.seed, "writer", slot.writer, exhibit.ref, "0")
    return MetaDyiJsonWriter().write(job, rng, _context(plan))


def _ctx(tmp_path: Path, display_path: str) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path=display_path, region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def test_parser_reads_back_the_truth(plan: CasePlan, tmp_path: Path) -> None:
    threads = mangled = 0
    for exhibit in plan.exhibits:
        root = tmp_path / exhibit.ref
        owner_name = facebook_name(_context(plan), exhibit.owner)
        for truth in _write(plan, exhibit, root):
            threads += 1
            assert PATH.match(truth.path), truth.path
            path = root / truth.path
            payload = path.read_bytes()
            assert payload.isascii()
            mangled += b"\\u00c3" in payload or b"\\u00e2" in payload or b"\\u00f0" in payload
            assert MetaDyiJson().sniff(path, payload[:65536]) == 0.9
            ctx = _ctx(tmp_path, f"{exhibit.ref}!/{truth.path}")
            records = list(MetaDyiJson().parse(path, ctx))
            assert ctx.warnings == []
            _check_thread(records, dict(truth.content or {}), owner_name)
    assert threads > 10
    assert mangled > 5, "non-ASCII names and lines must reach the files in Meta's escaping"


def _check_thread(records: Sequence[object], content: dict[str, object], owner_name: str) -> None:
    conversation = next(r for r in records if isinstance(r, ParsedConversation))
    participants = content["participants"]
    assert isinstance(participants, list)
    labels = {p["label"] for p in participants}
    assert (conversation.platform, conversation.title) == ("facebook", content["title"])
    assert (conversation.key, conversation.is_group) == (content["thread_path"], content["group"] is not None)
    assert {a.handle for a in conversation.participants} == labels
    owners = [r for r in records if isinstance(r, ParsedAccount)]
    if content["group"] is None and len(labels) == 2:
        assert [(o.account.handle, o.is_owner) for o in owners] == [(owner_name, True)]
    messages = [r for r in records if isinstance(r, ParsedMessage)]
    people = [m for m in messages if m.kind in {MessageKind.TEXT, MessageKind.MEDIA}]
    assert len(people) == content["message_count"]
    assert sum(1 for m in messages if m.kind is MessageKind.SYSTEM) == content["system_count"]
    assert sum(1 for m in messages if m.body.startswith("https://www.example.")) == content["share_count"]
    assert {m.sender.handle for m in messages if m.sender} <= labels
    times = [m.sent_at for m in messages if m.sent_at is not None]
    assert times == sorted(times), "yielded oldest first"
    first, last = content["first_timestamp_ms"], content["last_timestamp_ms"]
    assert isinstance(first, int) and isinstance(last, int)
    assert (times[0], times[-1]) == (
        EPOCH + timedelta(milliseconds=first),
        EPOCH + timedelta(milliseconds=last),
    )


def test_share_of_chats_and_determinism(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = plan.exhibits[0]
    everything = _write(plan, exhibit, tmp_path / "all")
    again = _write(plan, exhibit, tmp_path / "again")
    assert [(f.path, f.sha256) for f in everything] == [(f.path, f.sha256) for f in again]
    some = _write(plan, exhibit, tmp_path / "some", replace(SLOT, share=0.4))
    assert 0 < len(some) < len(everything)


def test_written_threads_hold_only_fictional_identifiers(plan: CasePlan, tmp_path: Path) -> None:
    for exhibit in plan.exhibits:
        for truth in _write(plan, exhibit, tmp_path / exhibit.ref):
            text = (tmp_path / exhibit.ref / truth.path).read_text(encoding="ascii")
            for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
                raise AssertionError(f"phone-like text {match.raw_string!r} in {truth.path}")
            for address in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text):
                assert is_fictional_email(address), address
            assert all(u.startswith("https://www.example.") for u in re.findall(r"https?://[^\s\"]+", text))
