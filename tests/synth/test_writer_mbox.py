"""The Thunderbird Inbox writer: darkroom's own mbox parser reads back exactly what truth.json says."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.base import ParseContext, ParsedConversation, ParsedMessage
from darkroom.formats.mbox import Mbox
from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext
from darkroom.synth.artefacts.mbox import MboxWriter
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.fictional import is_fictional_email
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot(
    "mbox", "AppData/Roaming/Thunderbird/Profiles/k3v9x2qa.default-release/Mail/Local Folders/Inbox"
)


@pytest.fixture(scope="module")
def plan() -> CasePlan:
    return plan_case(SCALES["small"], 3)


def _context(plan: CasePlan) -> WriteContext:
    return plan.write_context()


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path) -> list[TruthFile]:
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(SLOT,))), SLOT, (), root)
    rng = derive_rng(plan.seed, "writer", SLOT.writer, exhibit.ref, "0")
    return MboxWriter().write(job, rng, _context(plan))


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def test_parser_reads_back_the_truth(plan: CasePlan, tmp_path: Path) -> None:
    written = 0
    for exhibit in plan.exhibits:
        root = tmp_path / exhibit.ref
        files = _write(plan, exhibit, root)
        if not plan.accounts.on_platform(exhibit.owner, "email"):
            assert files == []
            continue
        [truth] = files
        written += 1
        content: dict[str, Any] = dict(truth.content or {})
        path = root / truth.path
        assert Mbox().sniff(path, path.read_bytes()[:65536]) >= 0.9
        ctx = _ctx(tmp_path)
        records = list(Mbox().parse(path, ctx))
        assert ctx.warnings == []
        conversation = records[0]
        assert isinstance(conversation, ParsedConversation) and conversation.title == "Inbox"
        messages = [r for r in records if isinstance(r, ParsedMessage)]
        assert len(messages) == content["message_count"]
        assert sum(1 for m in messages if m.parent_key is None) == content["top_level_count"]
        assert sum(1 for m in messages if m.parent_key is not None) == content["attached_message_count"] == 1
        assert sum(len(m.attachments) for m in messages) == content["attachment_count"]
        senders = Counter(account_key("email", m.sender.handle) for m in messages if m.sender)
        assert dict(senders) == content["sender_counts"]
        tops = [m for m in messages if m.parent_key is None]
        assert [m.body.split("\n", 1)[0] for m in tops] == [f"Subject: {s}" for s in content["subjects"]]
        assert all(m.sent_at is not None and m.assumed_zone is None for m in messages)
        addresses = {ref.handle for ref in conversation.participants}
        assert content["owner_account"] in {account_key("email", address) for address in addresses}
        assert all(is_fictional_email(address) for address in addresses)
    assert written >= 1


def test_same_seed_same_bytes(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = next(e for e in plan.exhibits if plan.accounts.on_platform(e.owner, "email"))
    first = _write(plan, exhibit, tmp_path / "a")
    second = _write(plan, exhibit, tmp_path / "b")
    assert [f.sha256 for f in first] == [f.sha256 for f in second]
