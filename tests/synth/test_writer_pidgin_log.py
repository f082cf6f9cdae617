"""The Pidgin log writer: darkroom's own Pidgin parser reads back exactly what truth.json says."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.base import ParseContext, ParsedAccount, ParsedConversation, ParsedMessage
from darkroom.formats.pidgin_log import PidginLog
from darkroom.model import MessageKind
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext
from darkroom.synth.artefacts.pidgin_log import PidginLogWriter
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.fictional import is_fictional_email
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot("pidgin-log", "AppData/Roaming/.purple/logs")


@pytest.fixture(scope="module")
def plans() -> list[CasePlan]:
    return [plan_case(SCALES["small"], seed) for seed in (1, 2)]


def _context(plan: CasePlan) -> WriteContext:
    return plan.write_context()


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path) -> list[TruthFile]:
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(SLOT,))), SLOT, (), root)
    rng = derive_rng(plan.seed, "writer", SLOT.writer, exhibit.ref, "0")
    return PidginLogWriter().write(job, rng, _context(plan))


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _check_file(root: Path, truth: TruthFile, tmp_path: Path) -> None:
    content: dict[str, Any] = dict(truth.content or {})
    path = root / truth.path
    assert PidginLog().sniff(path, path.read_bytes()[:65536]) == 0.9
    ctx = _ctx(tmp_path)
    records = list(PidginLog().parse(path, ctx))
    assert ctx.warnings == []
    owner = next(r for r in records if isinstance(r, ParsedAccount))
    assert (owner.account.platform, owner.account.handle, owner.is_owner) == (
        "xmpp",
        content["owner_jid"],
        True,
    )
    conversation = next(r for r in records if isinstance(r, ParsedConversation))
    assert conversation.title == content["partner_jid"]
    messages = [r for r in records if isinstance(r, ParsedMessage)]
    said = [m for m in messages if m.kind is MessageKind.TEXT]
    assert len(said) == content["message_count"]
    assert len(messages) - len(said) == content["system_count"]
    # A first-name alias maps to the partner's JID when the owner also spoke in that window.
    labels: dict[str, str] = content["labels"]
    senders = Counter(labels.get(m.sender.handle, m.sender.handle) for m in said if m.sender)
    assert dict(senders) == {jid: count for jid, count in content["sender_counts"].items() if count}
    assert all(m.assumed_zone is None and m.sent_at is not None for m in messages)
    first = messages[0].sent_at
    assert first is not None
    assert first == datetime.fromisoformat(content["first_local"])
    assert all(is_fictional_email(jid) for jid in (content["owner_jid"], content["partner_jid"]))


def test_parser_reads_back_the_truth(plans: list[CasePlan], tmp_path: Path) -> None:
    extensions: set[str] = set()
    for plan in plans:
        for exhibit in plan.exhibits:
            root = tmp_path / f"{plan.seed}-{exhibit.ref}"
            for truth in _write(plan, exhibit, root):
                assert truth.path.startswith(f"{SLOT.path}/jabber/")
                extensions.add(truth.path.rsplit(".", 1)[1])
                _check_file(root, truth, tmp_path)
    assert extensions == {"txt", "html"}


def test_same_seed_same_bytes(plans: list[CasePlan], tmp_path: Path) -> None:
    plan = plans[0]
    first = _write(plan, plan.exhibits[0], tmp_path / "a")
    second = _write(plan, plan.exhibits[0], tmp_path / "b")
    assert first and [f.sha256 for f in first] == [f.sha256 for f in second]


def test_a_person_has_one_jid_in_every_exhibit(plans: list[CasePlan], tmp_path: Path) -> None:
    plan = plans[0]
    jids: dict[str, set[str]] = {}
    for exhibit in plan.exhibits:
        for truth in _write(plan, exhibit, tmp_path / exhibit.ref):
            content: dict[str, Any] = dict(truth.content or {})
            identities: list[dict[str, str]] = content["xmpp_accounts"]
            for identity in identities:
                jids.setdefault(identity["person"], set()).add(identity["jid"])
    assert jids and all(len(found) == 1 for found in jids.values())
