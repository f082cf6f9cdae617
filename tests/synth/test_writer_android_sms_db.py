"""The mmssms.db writer: darkroom's own parser reads back exactly what truth.json says."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.android_sms_db import AndroidSmsDb
from darkroom.formats.base import ParseContext, ParsedAccount, ParsedConversation, ParsedMessage
from darkroom.identifiers.normalize import normalize_handle
from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.android_sms_db import AndroidSmsDbWriter
from darkroom.synth.artefacts.base import SlotJob, TruthFile
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot("android-sms-db", "data/user_de/0/com.android.providers.telephony/databases/mmssms.db")


@pytest.fixture(scope="module")
def plan() -> CasePlan:
    return plan_case(SCALES["small"], 1)


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path) -> list[TruthFile]:
    ctx = plan.write_context()
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(SLOT,))), SLOT, (), root)
    return AndroidSmsDbWriter().write(
        job, derive_rng(plan.seed, "writer", SLOT.writer, exhibit.ref, "0"), ctx
    )


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _key(handle: str) -> str:
    return account_key("phone", normalize_handle("phone", handle, "GB"))


def test_parser_reads_back_every_thread(plan: CasePlan, tmp_path: Path) -> None:
    for exhibit in (e for e in plan.exhibits if e.profile.name == "android-phone"):
        root = tmp_path / exhibit.ref
        files = _write(plan, exhibit, root)
        assert [f.path for f in files] == [SLOT.path, f"{SLOT.path}-wal"]
        content: dict[str, Any] = dict(files[0].content or {})
        path = root / SLOT.path
        assert AndroidSmsDb().sniff(Path("mmssms.db"), path.read_bytes()[:65536]) == 0.95
        ctx = _ctx(tmp_path)
        records = list(AndroidSmsDb().parse(path, ctx))
        assert ctx.warnings == []
        [owner] = [r for r in records if isinstance(r, ParsedAccount)]
        assert _key(owner.account.handle) == content["owner_account"]
        conversations = {c.key: c for c in records if isinstance(c, ParsedConversation)}
        messages = [r for r in records if isinstance(r, ParsedMessage)]
        assert len(messages) == content["message_count"]
        assert sum(len(m.attachments) for m in messages) == content["attachment_count"]
        assert len(conversations) == len(content["threads"])
        for thread in content["threads"]:
            key = f"thread {thread['thread_id']}"
            assert conversations[key].is_group == thread["group"]
            assert [_key(p.handle) for p in conversations[key].participants] == thread["accounts"]
            in_thread = [m for m in messages if m.conversation_key == key]
            assert len(in_thread) == thread["message_count"]
            assert all(m.sender is not None for m in in_thread)
            assert {_key(m.sender.handle) for m in in_thread if m.sender} <= set(thread["accounts"])
            assert in_thread[0].sent_at == datetime.fromisoformat(thread["first_utc"])
            assert in_thread[-1].sent_at == datetime.fromisoformat(thread["last_utc"])


def test_newest_texts_live_only_in_the_wal(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = next(e for e in plan.exhibits if e.profile.name == "android-phone")
    files = _write(plan, exhibit, tmp_path)
    content: dict[str, Any] = dict(files[0].content or {})
    (tmp_path / files[1].path).unlink()
    messages = [
        r for r in AndroidSmsDb().parse(tmp_path / SLOT.path, _ctx(tmp_path)) if isinstance(r, ParsedMessage)
    ]
    assert content["wal_message_count"] > 0
    assert len(messages) == content["message_count"] - content["wal_message_count"]


def test_same_seed_same_bytes(plan: CasePlan, tmp_path: Path) -> None:
    exhibit = next(e for e in plan.exhibits if e.profile.name == "android-phone")
    first, second = _write(plan, exhibit, tmp_path / "a"), _write(plan, exhibit, tmp_path / "b")
    assert [(f.path, f.sha256) for f in first] == [(f.path, f.sha256) for f in second]
