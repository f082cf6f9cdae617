"""The WhatsApp Android database writer: darkroom's own parser reads back exactly what truth.json says."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.base import (
    ParseContext,
    ParsedAccount,
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
)
from darkroom.formats.whatsapp_android_db import WhatsAppAndroidDb
from darkroom.identifiers.normalize import normalize_handle
from darkroom.model import MessageKind
from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext
from darkroom.synth.artefacts.whatsapp_android_db import WhatsAppAndroidDbWriter
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

SLOT = ArtefactSlot("whatsapp-android-db", "data/data/com.whatsapp/databases")


@pytest.fixture(scope="module")
def plan() -> CasePlan:
    return plan_case(SCALES["small"], 1)


def _context(plan: CasePlan) -> WriteContext:
    return plan.write_context()


def _phone(plan: CasePlan) -> ExhibitPlan:
    return next(e for e in plan.exhibits if e.profile.name == "android-phone")


def _write(plan: CasePlan, exhibit: ExhibitPlan, root: Path) -> list[TruthFile]:
    chats = tuple(
        c.id for c in plan.conversations.values() if set(exhibit.whatsapp_accounts) & set(c.accounts)
    )
    job = SlotJob(replace(exhibit, profile=replace(exhibit.profile, slots=(SLOT,))), SLOT, chats, root)
    rng = derive_rng(plan.seed, "writer", SLOT.writer, exhibit.ref, "0")
    return WhatsAppAndroidDbWriter().write(job, rng, _context(plan))


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="GB", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _key(platform: str, handle: str) -> str:
    return account_key(platform, normalize_handle(platform, handle, "GB"))


def test_parser_reads_back_the_truth(plan: CasePlan, tmp_path: Path) -> None:
    files = _write(plan, _phone(plan), tmp_path)
    assert [f.path.rpartition("/")[2] for f in files] == [
        "msgstore.db", "msgstore.db-wal", "wa.db", "com.whatsapp_preferences_light.xml",
    ]  # fmt: skip
    content: dict[str, Any] = dict(files[0].content or {})
    path = tmp_path / files[0].path
    assert WhatsAppAndroidDb().sniff(Path("msgstore.db"), path.read_bytes()[:65536]) == 0.95
    ctx = _ctx(tmp_path)
    records = list(WhatsAppAndroidDb().parse(path, ctx))
    assert ctx.warnings == []
    [owner] = [r for r in records if isinstance(r, ParsedAccount)]
    assert _key("whatsapp", owner.account.handle) == content["owner_account"]
    assert owner.locator.startswith("message_system_group")  # found in msgstore itself
    conversations = {c.key: c for c in records if isinstance(c, ParsedConversation)}
    messages = [r for r in records if isinstance(r, ParsedMessage)]
    assert len(conversations) == content["chat_count"] == len(content["chats"])
    assert sum(1 for m in messages if m.kind is not MessageKind.SYSTEM) == content["message_count"]
    for chat in content["chats"]:
        conversation = conversations[chat["jid"]]
        assert conversation.is_group == (chat["group"] is not None)
        if chat["group"] is not None:
            assert conversation.title == chat["group"]
        in_chat = [m for m in messages if m.conversation_key == chat["jid"]]
        kinds = Counter(m.kind for m in in_chat)
        assert kinds[MessageKind.TEXT] + kinds[MessageKind.MEDIA] == chat["message_count"]
        assert kinds[MessageKind.SYSTEM] == chat["system_count"]
        assert sum(len(m.attachments) for m in in_chat) == chat["attachment_count"]
        user = [m for m in in_chat if m.kind is not MessageKind.SYSTEM]
        assert {_key("whatsapp", m.sender.handle) for m in user if m.sender} <= set(chat["accounts"])
        assert all(m.sender is not None for m in user)
        assert user[0].sent_at == datetime.fromisoformat(chat["first_utc"])
        assert user[-1].sent_at == datetime.fromisoformat(chat["last_utc"])
        assert {_key("whatsapp", p.handle) for p in conversation.participants} == set(chat["accounts"])


def test_newest_rows_live_only_in_the_wal(plan: CasePlan, tmp_path: Path) -> None:
    files = _write(plan, _phone(plan), tmp_path)
    content: dict[str, Any] = dict(files[0].content or {})
    path = tmp_path / files[0].path
    with_wal = [r for r in WhatsAppAndroidDb().parse(path, _ctx(tmp_path)) if isinstance(r, ParsedMessage)]
    (tmp_path / files[1].path).unlink()
    for leftover in path.parent.glob("msgstore.db-shm"):
        leftover.unlink()
    without = [r for r in WhatsAppAndroidDb().parse(path, _ctx(tmp_path)) if isinstance(r, ParsedMessage)]
    assert content["wal_message_count"] > 0
    assert len(with_wal) - len(without) == content["wal_message_count"]


def test_wa_db_names_the_chats_people(plan: CasePlan, tmp_path: Path) -> None:
    files = _write(plan, _phone(plan), tmp_path)
    wa_db = next(f for f in files if f.path.endswith("wa.db"))
    content: dict[str, Any] = dict(wa_db.content or {})
    ctx = _ctx(tmp_path)
    contacts = [
        r for r in WhatsAppAndroidDb().parse(tmp_path / wa_db.path, ctx) if isinstance(r, ParsedContact)
    ]
    assert ctx.warnings == []
    assert len(contacts) == content["card_count"]
    for contact, card in zip(contacts, content["cards"], strict=True):
        assert contact.display_name == card["name"]
        assert {_key(a.platform, a.handle) for a in contact.accounts} == set(card["account_keys"])


def test_same_seed_same_bytes(plan: CasePlan, tmp_path: Path) -> None:
    first = _write(plan, _phone(plan), tmp_path / "a")
    second = _write(plan, _phone(plan), tmp_path / "b")
    assert [(f.path, f.sha256) for f in first] == [(f.path, f.sha256) for f in second]
