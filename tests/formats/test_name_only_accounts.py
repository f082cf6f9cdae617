"""A chat export's participant known only by a saved name is that device's contact, not everyone's:
"David" exported on two seized phones are two accounts, each keyed with its exhibit; a participant
shown by number stays one account across the case."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import CliRunner, add_args


def _export(folder: Path, title: str, lines: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(
        f"0{n + 1}/02/2025, 10:0{n} - {sender}: {body}" for n, (sender, body) in enumerate(lines)
    )
    (folder / f"WhatsApp Chat with {title}.txt").write_text(text + "\n", encoding="utf-8")


def test_saved_names_are_per_device_and_numbers_are_not(
    cli: CliRunner, case_dir: Path, tmp_path: Path
) -> None:
    number = "+44 7700 900123"
    _export(tmp_path / "phone-1", "David", [("Owner One", "see you at the match"), ("David", "on my way")])
    _export(tmp_path / "phone-1", "Club", [("David", "who is driving"), (number, "I can drive")])
    _export(tmp_path / "phone-2", "David", [("Owner Two", "lunch friday"), ("David", "works for me")])
    _export(tmp_path / "phone-2", "Club", [(number, "running late"), ("David", "no worries")])
    for ref, folder in (("EX-1", "phone-1"), ("EX-2", "phone-2")):
        assert cli(*add_args(case_dir, tmp_path / folder, ref)).code == 0
    assert cli("process", "--case", case_dir).code == 0
    with sqlite3.connect(case_dir / "case.db") as db:
        handles = {str(h) for (h,) in db.execute("SELECT handle FROM accounts WHERE platform = 'whatsapp'")}
        names = {
            (str(h), str(n))
            for h, n in db.execute(
                "SELECT a.handle, n.display_name FROM accounts a JOIN account_names n ON n.account_id = a.id"
            )
        }
        number_exhibits = db.execute(
            "SELECT COUNT(DISTINCT c.exhibit_id) FROM accounts a JOIN conversation_participants p "
            "ON p.account_id = a.id JOIN conversations c ON c.id = p.conversation_id WHERE a.handle = ?",
            (number,),
        ).fetchone()[0]
    assert {"David (EX-1)", "David (EX-2)"} <= handles
    assert "David" not in handles
    assert ("David (EX-1)", "David") in names  # the saved name itself stays the display name
    assert number in handles and number_exhibits == 2  # one account seen on both phones
