"""The iOS Messages writer: an sms.db (+ WAL) that the ios-sms-db parser reads back exactly as the
writer's truth says (threads, counts, senders, owner, times; iMessage bodies only in attributedBody)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from darkroom.formats.base import ParseContext, ParsedAccount, ParsedConversation, ParsedMessage
from darkroom.formats.ios_sms_db import IosSmsDb
from darkroom.model import MessageKind
from darkroom.synth.artefacts.base import TruthFile
from darkroom.synth.artefacts.ios_sms_db import IosSmsDbWriter
from darkroom.synth.fictional import is_fictional_phone
from darkroom.synth.media import local_time
from tests.synth.ios_exhibit import IPHONE, SLOT_OF, IphoneCase, iphone_case

SMS_FOLDER = IPHONE.slots[SLOT_OF["ios-sms-db"]].path


@pytest.fixture(scope="module")
def case() -> IphoneCase:
    return iphone_case()


@pytest.fixture(scope="module")
def written(case: IphoneCase, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TruthFile]]:
    root = tmp_path_factory.mktemp("iphone-sms")
    return root, case.write(IosSmsDbWriter(), root)


def _truth(files: list[TruthFile]) -> dict[str, Any]:
    content = next(f.content for f in files if f.kind == "ios-sms")
    assert content is not None
    return dict(content)


def test_files_and_truth(written: tuple[Path, list[TruthFile]]) -> None:
    _, files = written
    assert [f.path for f in files] == [f"{SMS_FOLDER}/sms.db{suffix}" for suffix in ("", "-wal", "-shm")]
    truth = _truth(files)
    assert truth["message_count"] > 0 and truth["wal_message_count"] > 0 and truth["text_null_count"] > 0
    assert all(is_fictional_phone(handle) for chat in truth["conversations"] for handle in chat["handles"])


def test_parser_reads_back_the_truth(written: tuple[Path, list[TruthFile]]) -> None:
    root, files = written
    truth = _truth(files)
    ctx = ParseContext("EX-1", "x", "NO", "Europe/Oslo", root)
    records = list(IosSmsDb().parse(root / SMS_FOLDER / "sms.db", ctx))
    assert ctx.warnings == []
    owners = {r.account.handle for r in records if isinstance(r, ParsedAccount) and r.is_owner}
    assert owners == {truth["owner_handle"]}
    conversations = {r.key: r for r in records if isinstance(r, ParsedConversation)}
    by_chat: dict[str, list[ParsedMessage]] = defaultdict(list)
    for message in (r for r in records if isinstance(r, ParsedMessage)):
        by_chat[message.conversation_key].append(message)
    assert sum(len(messages) for messages in by_chat.values()) == truth["message_count"]
    for chat in truth["conversations"]:
        conversation = conversations[chat["key"]]
        assert conversation.is_group == (chat["group"] is not None)
        assert conversation.platform == chat["service"].lower()
        messages = by_chat[chat["key"]]
        assert len(messages) == chat["message_count"]
        assert all(m.kind is MessageKind.TEXT and m.body for m in messages)
        assert {m.sender.handle for m in messages if m.sender} <= set(chat["handles"])
        assert (
            sum(1 for m in messages if m.sender and m.sender.handle == truth["owner_handle"])
            == chat["sent_by_owner"]
        )
        times = [m.sent_at for m in messages if m.sent_at is not None]
        assert local_time(min(times)).isoformat() == chat["first_local"]
        assert local_time(max(times)).isoformat() == chat["last_local"]


def test_same_stream_same_bytes(
    case: IphoneCase, written: tuple[Path, list[TruthFile]], tmp_path: Path
) -> None:
    _, files = written
    again = case.write(IosSmsDbWriter(), tmp_path)
    assert [(f.path, f.sha256) for f in again] == [(f.path, f.sha256) for f in files]
