"""The WhatsApp iOS writer: ChatStorage/ContactsV2/preferences that the whatsapp-ios-db parser reads back
exactly as the writer's truth says (chats, counts, senders, times, owner, contacts)."""

from __future__ import annotations

import shutil
from collections import defaultdict
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
from darkroom.formats.whatsapp_ios_db import WhatsAppIosDb
from darkroom.model import MessageKind
from darkroom.synth.artefacts.base import TruthFile
from darkroom.synth.artefacts.whatsapp_ios_db import WhatsAppIosDbWriter
from darkroom.synth.fictional import is_fictional_phone
from darkroom.synth.media import local_time
from tests.synth.ios_exhibit import WHATSAPP_APP_GROUP, IphoneCase, iphone_case


@pytest.fixture(scope="module")
def case() -> IphoneCase:
    return iphone_case()


@pytest.fixture(scope="module")
def written(case: IphoneCase, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TruthFile]]:
    root = tmp_path_factory.mktemp("iphone")
    return root, case.write(WhatsAppIosDbWriter(), root)


def _ctx(root: Path) -> ParseContext:
    return ParseContext("EX-1", "x", "NO", "Europe/Oslo", root)


def _truth(files: list[TruthFile], kind: str) -> dict[str, Any]:
    content = next(f.content for f in files if f.kind == kind)
    assert content is not None
    return dict(content)


def test_files_in_the_app_group_layout(written: tuple[Path, list[TruthFile]]) -> None:
    root, files = written
    names = sorted(f.path.removeprefix(WHATSAPP_APP_GROUP + "/") for f in files)
    assert names == [
        "ChatStorage.sqlite", "ChatStorage.sqlite-shm", "ChatStorage.sqlite-wal",
        "ContactsV2.sqlite", "ContactsV2.sqlite-shm", "ContactsV2.sqlite-wal",
        "Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist",
    ]  # fmt: skip
    for item in files:
        assert (root / item.path).stat().st_size == item.size
    assert _truth(files, "whatsapp-ios-chatstorage")["wal_row_count"] > 0


def test_parser_reads_back_the_truth(case: IphoneCase, written: tuple[Path, list[TruthFile]]) -> None:
    root, files = written
    truth = _truth(files, "whatsapp-ios-chatstorage")
    ctx = _ctx(root)
    records = list(WhatsAppIosDb().parse(root / WHATSAPP_APP_GROUP / "ChatStorage.sqlite", ctx))
    assert ctx.warnings == []
    owner = case.ctx.accounts.by_key[truth["owner_account"]]
    (account,) = [r for r in records if isinstance(r, ParsedAccount)]
    assert (account.account.handle, account.is_owner) == (owner.handle, True)
    conversations = {r.key: r for r in records if isinstance(r, ParsedConversation)}
    by_chat: dict[str, list[ParsedMessage]] = defaultdict(list)
    for message in (r for r in records if isinstance(r, ParsedMessage)):
        by_chat[message.conversation_key].append(message)
    assert len(conversations) == len(truth["conversations"]) == len(case.exhibit.chats[2])
    for chat in truth["conversations"]:
        conversation = conversations[chat["key"]]
        assert (conversation.title, conversation.external_id) == (chat["title"], chat["jid"])
        assert conversation.is_group == (chat["group"] is not None)
        messages = by_chat[chat["key"]]
        people = [m for m in messages if m.kind is not MessageKind.SYSTEM]
        assert len(people) == chat["message_count"]
        assert len(messages) - len(people) == chat["system_count"]
        assert sum(len(m.attachments) for m in messages) == chat["attachment_count"]
        handles = {case.ctx.accounts.by_key[key].handle for key in chat["accounts"]}
        assert {m.sender.handle for m in people if m.sender} <= handles and all(m.sender for m in people)
        times = [m.sent_at for m in messages if m.sent_at is not None]
        assert local_time(min(times)).isoformat() == chat["first_local"]
        assert local_time(max(times)).isoformat() == chat["last_local"]
    total = sum(len(messages) for messages in by_chat.values())
    assert total == truth["message_count"] + truth["system_count"]
    partner_jids = [c.external_id or "" for c in conversations.values() if not c.is_group]
    assert partner_jids and all(is_fictional_phone("+" + jid.split("@")[0]) for jid in partner_jids)


def test_runner_copy_without_preferences_finds_the_same_owner(
    written: tuple[Path, list[TruthFile]], tmp_path: Path
) -> None:
    root, files = written
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(
            root / WHATSAPP_APP_GROUP / f"ChatStorage.sqlite{suffix}",
            tmp_path / f"ChatStorage.sqlite{suffix}",
        )
    ctx = _ctx(tmp_path)
    records = list(WhatsAppIosDb().parse(tmp_path / "ChatStorage.sqlite", ctx))
    owner = next(r for r in records if isinstance(r, ParsedAccount))
    assert owner.locator == "ZWAMESSAGE.ZTOJID of incoming messages"
    assert (
        owner.account.handle
        == _truth(files, "whatsapp-ios-chatstorage")["owner_jid"].join("+@").split("@")[0]
    )
    assert ctx.warnings == []


def test_contacts_v2_reads_back(written: tuple[Path, list[TruthFile]]) -> None:
    root, files = written
    truth = _truth(files, "whatsapp-ios-contacts")
    ctx = _ctx(root)
    contacts = list(WhatsAppIosDb().parse(root / WHATSAPP_APP_GROUP / "ContactsV2.sqlite", ctx))
    assert all(isinstance(c, ParsedContact) for c in contacts) and ctx.warnings == []
    assert [c.display_name for c in contacts if isinstance(c, ParsedContact)] == [
        c["name"] for c in truth["contacts"]
    ]
    on_whatsapp = [
        a for c in contacts if isinstance(c, ParsedContact) for a in c.accounts if a.platform == "whatsapp"
    ]
    assert len(on_whatsapp) == truth["whatsapp_count"]


def test_same_stream_same_bytes(
    case: IphoneCase, written: tuple[Path, list[TruthFile]], tmp_path: Path
) -> None:
    _, files = written
    again = case.write(WhatsAppIosDbWriter(), tmp_path)
    assert [(f.path, f.sha256) for f in again] == [(f.path, f.sha256) for f in files]
