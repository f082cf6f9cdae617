"""The identifier stage through the CLI: one number on two devices meets in one identifier."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner, add_args

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ola Berg\r\nTEL;TYPE=CELL:07700 900123\r\n"
    "EMAIL:ola.berg@example.com\r\nEND:VCARD\r\n"
)


def _telegram_with_number() -> str:
    return json.dumps(
        {
            "name": "Weekend",
            "type": "personal_chat",
            "id": 9,
            "messages": [
                {
                    "id": 1,
                    "type": "message",
                    "date_unixtime": "1768064400",
                    "from": "Kari",
                    "from_id": "user1",
                    "text": "new number is +44 7700 900123, mail ola.berg@EXAMPLE.com",
                },
            ],
        }
    )


def test_identifier_seen_on_two_devices(tmp_path: Path, cli: CliRunner) -> None:
    case = tmp_path / "case"
    assert cli("case", "init", "--case", case, "--name", "Op", "--region", "GB").code == 0
    phone, laptop = tmp_path / "phone", tmp_path / "laptop"
    phone.mkdir()
    laptop.mkdir()
    (phone / "contacts.vcf").write_text(CARD, encoding="utf-8")
    (laptop / "result.json").write_text(_telegram_with_number(), encoding="utf-8")
    assert cli(*add_args(case, phone, "EX-1")).code == 0
    assert cli(*add_args(case, laptop, "EX-2")).code == 0
    processed = cli("process", "--case", case)
    assert processed.code == 0, processed.err
    assert "occurrences" in processed.out

    listed = cli("identifier", "list", "--case", case, "--min-exhibits", "2", "--json").jsonl()
    values = {(row["kind"], row["value_norm"]) for row in listed}
    assert ("phone", "+447700900123") in values
    assert ("email", "ola.berg@example.com") in values

    (shown,) = cli("identifier", "show", "07700 900123", "--case", case, "--json").jsonl()
    seen = {(occ["ref"], occ["seen_as"]) for occ in shown["occurrences"]}
    assert ("EX-1", "contact card") in seen
    assert ("EX-2", "message text") in seen
    card = next(occ for occ in shown["occurrences"] if occ["seen_as"] == "contact card")
    assert card["contact_name"] == "Ola Berg"
    assert card["raw_value"] == "07700 900123"

    missing = cli("identifier", "show", "+44 7700 900999", "--case", case)
    assert missing.code == 2
    assert "not found" in missing.err
