"""Exhibit owners: stated by the parsers first, else the one account in nearly all of a source's chats."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, text

from darkroom.formats.base import ParseContext
from darkroom.formats.telegram_json import TelegramJson
from darkroom.network.owners import (
    ExhibitOwner,
    conversation_owners,
    infer_exhibit_owners,
    stated_exhibit_owners,
)
from darkroom.store import CaseStore
from darkroom.store.records import FileSource, RecordWriter, forget_file
from tests.conftest import CliRunner, add_args
from tests.network.story import CaseWriter, insert

DAY = "2025-03-01T10:00:00+00:00"


def test_the_account_in_every_chat_of_a_source_owns_the_exhibit(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        phone, laptop = w.exhibit("EX-001"), w.exhibit("EX-002")
        me, *others = (w.account("whatsapp", f"+44770090020{n}") for n in range(5))
        db = w.file(phone, "msgstore.db", "whatsapp-android-db")
        for other in others:
            w.conversation(db, phone, [me, other], [(other, DAY)])
        # One exported chat on the laptop: both sides are in all of it, so nobody stands out.
        export = w.file(laptop, "WhatsApp Chat with Ann.txt", "whatsapp-txt")
        w.conversation(export, laptop, [me, others[0]], [(me, DAY)])
    with store.read() as conn:
        owners = infer_exhibit_owners(conn)
    assert [(o.exhibit_id, o.account_id) for o in owners] == [(phone, me)]
    assert owners[0].reason == "in 4 of 4 whatsapp conversations read by whatsapp-android-db on this exhibit"


def test_no_owner_when_nobody_is_in_most_chats_or_two_tie(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        scattered, tied = w.exhibit("EX-001"), w.exhibit("EX-002")
        a, b, c, d, e = (w.account("sms", f"+44770090030{n}") for n in range(5))
        sms = w.file(scattered, "mmssms.db", "android-sms-db")
        for pair in ([a, b], [a, c], [d, e], [d, b], [c, e]):  # a and d in 2 of 5 each: below 60 %
            w.conversation(sms, scattered, pair, [(pair[0], DAY)])
        other = w.file(tied, "sms.db", "ios-sms-db")
        for _ in range(3):  # the same two people in all three threads
            w.conversation(other, tied, [a, b], [(a, DAY)])
    with store.read() as conn:
        assert infer_exhibit_owners(conn) == []


# -- stated owners ------------------------------------------------------------------------------

TOM_ID, ANN_ID = 100000001, 100000002


def _telegram_export(path: Path, groups: int, phone: str = "+44 7700 900101") -> Path:
    """A whole-account Telegram export in the real layout: Tom (the owner) writes in his chat with Ann
    and only reads `groups` group chats in which Ann and one more member post. By its conversations
    alone, Ann looks like the owner: she is in every chat, Tom in one. `phone` "" leaves the number out."""
    clock = iter(range(1_740_823_200, 1_740_823_200 + 600 * 100, 600))

    def message(n: int, user_id: int, name: str, text: str) -> dict[str, object]:
        return {
            "id": n,
            "type": "message",
            "date_unixtime": str(next(clock)),
            "from": name,
            "from_id": f"user{user_id}",
            "text": text,
        }

    chats: list[dict[str, object]] = [
        {
            "name": "Ann Lee",
            "type": "personal_chat",
            "id": TOM_ID + 1,
            "messages": [
                message(1, ANN_ID, "Ann Lee", "The ferry leaves at nine on Saturday."),
                message(2, TOM_ID, "Tom Field", "Good, I will bring the bikes."),
            ],
        }
    ]
    for n in range(groups):
        member = 100000010 + n
        chats.append(
            {
                "name": f"Hiking club {n}",
                "type": "private_group",
                "id": 200000000 + n,
                "messages": [
                    message(1, ANN_ID, "Ann Lee", "Route notes are in the shared folder."),
                    message(2, member, f"Member {n}", "Thanks, see you at the trailhead."),
                ],
            }
        )
    document = {
        "about": "Here is the data you requested.",
        "personal_information": {
            "user_id": TOM_ID,
            "first_name": "Tom",
            "last_name": "Field",
            "phone_number": phone,
            "bio": "",
        },
        "chats": {"about": "", "list": chats},
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def _parse_into(
    store: CaseStore, source: FileSource, path: Path, tmp_path: Path, *, again: bool = False
) -> None:
    """Parse one file and write its records as the runner does; `again` forgets the earlier parse first."""
    ctx = ParseContext("EX-001", path.name, "GB", "Europe/London", tmp_path)
    records = list(TelegramJson().parse(path, ctx))
    with store.write() as conn:
        if again:
            forget_file(conn, source.file_id)
            insert(
                conn,
                "file_parses",
                {
                    "file_id": source.file_id,
                    "parser": "telegram-json",
                    "parser_version": "1",
                    "status": "parsed",
                    "parsed_at_utc": DAY,
                },
            )
        RecordWriter("GB").write(conn, source, records)


def _handles(conn: Connection, owners: list[ExhibitOwner]) -> list[tuple[int, str]]:
    handle = {int(r.id): str(r.handle) for r in conn.execute(text("SELECT id, handle FROM accounts"))}
    return [(o.exhibit_id, handle[o.account_id]) for o in owners]


def test_the_stated_owner_wins_where_the_conversations_point_at_a_friend(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    export = _telegram_export(tmp_path / "result.json", groups=4)
    with store.write() as conn:
        w = CaseWriter(conn)
        phone = w.exhibit("EX-001")
        source = FileSource(phone, w.file(phone, "Telegram Desktop/result.json", "telegram-json"))
    _parse_into(store, source, export, tmp_path)
    with store.read() as conn:
        inferred = _handles(conn, conversation_owners(conn))
        owners = infer_exhibit_owners(conn)
        found = _handles(conn, owners)
    assert inferred == [(phone, f"user{ANN_ID}")]  # the trap: by the chats alone Ann owns the phone
    assert sorted(found) == [(phone, "+44 7700 900101"), (phone, f"user{TOM_ID}")]
    assert {o.reason for o in owners} == {
        "stated by telegram-json in Telegram Desktop/result.json (personal_information)"
    }


def test_parsing_a_file_again_replaces_its_statements(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    export = _telegram_export(tmp_path / "result.json", groups=2)
    with store.write() as conn:
        w = CaseWriter(conn)
        phone = w.exhibit("EX-001")
        source = FileSource(phone, w.file(phone, "result.json", "telegram-json"))
    _parse_into(store, source, export, tmp_path)
    with store.read() as conn:
        first = conn.execute(text("SELECT * FROM stated_owners ORDER BY account_id")).all()
    _parse_into(store, source, export, tmp_path, again=True)
    with store.read() as conn:
        again = conn.execute(text("SELECT * FROM stated_owners ORDER BY account_id")).all()
    assert len(first) == 2  # the Telegram id and the phone number, once each
    assert again == first
    assert {(row.file_id, row.locator) for row in again} == {(source.file_id, "personal_information")}
    # Parsed again from a file that no longer gives the number: its statement goes.
    _parse_into(store, source, _telegram_export(export, groups=2, phone=""), tmp_path, again=True)
    with store.read() as conn:
        assert _handles(conn, stated_exhibit_owners(conn)) == [(phone, f"user{TOM_ID}")]


def test_inference_still_reads_the_sources_that_state_no_owner(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        laptop, bundle = w.exhibit("EX-001"), w.exhibit("EX-002")
        xmpp_me = w.account("xmpp", "tom.field@example.org")
        wa_me, *others = (w.account("whatsapp", f"+44770090040{n}") for n in range(4))
        # The laptop's Pidgin log states its account; its WhatsApp exports state nothing.
        log = w.file(laptop, "logs/jabber/tom.field@example.org/x.txt", "pidgin-log")
        log2 = w.file(laptop, "logs/jabber/tom.field@example.org/y.txt", "pidgin-log")
        for file_id in (log, log2):
            insert(
                conn,
                "stated_owners",
                {"exhibit_id": laptop, "account_id": xmpp_me, "file_id": file_id, "locator": "line 1"},
            )
        for n, other in enumerate(others):
            export = w.file(laptop, f"WhatsApp Chat with Friend {n}.txt", "whatsapp-txt")
            w.conversation(export, laptop, [wa_me, other], [(wa_me, DAY)])
        # Another exhibit with no statement at all: read from its conversations as before.
        for n, other in enumerate(others):
            export = w.file(bundle, f"bundle/WhatsApp Chat with Friend {n}.txt", "whatsapp-txt")
            w.conversation(export, bundle, [wa_me, other], [(other, DAY)])
    with store.read() as conn:
        owners = {(o.exhibit_id, o.account_id): o.reason for o in infer_exhibit_owners(conn)}
    assert owners == {
        (laptop, xmpp_me): "stated by pidgin-log in logs/jabber/tom.field@example.org/x.txt (line 1), "
        "and in 1 other file (pidgin-log)",
        (laptop, wa_me): "in 3 of 3 whatsapp conversations read by whatsapp-txt on this exhibit",
        (bundle, wa_me): "in 3 of 3 whatsapp conversations read by whatsapp-txt on this exhibit",
    }


def test_process_and_network_build_keep_the_stated_owner(
    tmp_path: Path, case_dir: Path, cli: CliRunner
) -> None:
    """The whole path: a worker parses the export, the writer keeps the statement, the build lists it."""
    phone = tmp_path / "phone"
    (phone / "Telegram Desktop").mkdir(parents=True)
    _telegram_export(phone / "Telegram Desktop" / "result.json", groups=4)
    assert cli(*add_args(case_dir, phone, "EX-1")).code == 0
    assert cli("process", "--case", case_dir, "--workers", "1").code == 0
    result = cli("network", "build", "--case", case_dir)
    assert result.code == 0, result.err
    with sqlite3.connect(case_dir / "case.db") as db:
        owners = db.execute(
            "SELECT a.handle, o.reason FROM network_exhibit_owners o JOIN accounts a ON a.id = o.account_id "
            "ORDER BY a.handle"
        ).fetchall()
    reason = "stated by telegram-json in Telegram Desktop/result.json (personal_information)"
    assert owners == [("+44 7700 900101", reason), (f"user{TOM_ID}", reason)]
