"""`darkroom hashset …` through Typer's runner on the command group itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from darkroom.cli.hashset import app
from darkroom.errors import InvalidInput
from darkroom.store import CaseStore
from tests.media.hashsets.builders import (
    digests,
    vics_document,
    vics_media,
    write_csv,
    write_json,
    write_rdsv2,
)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    CaseStore.create(root, "Op CLI", "NO", "Europe/Oslo").close()
    return root


def run(case: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(
        app, [str(a) for a in args] + ["--case", str(case)], env={"DARKROOM_ACTOR": "examiner1"}
    )


def jsonl(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_import_list_remove(case: Path, tmp_path: Path) -> None:
    vics = write_json(tmp_path / "pv.json", vics_document([vics_media(n) for n in range(3)] + [{"MD5": "x"}]))
    nsrl = write_rdsv2(tmp_path / "NSRLFile.txt", range(4), repeat_each=2)
    result = run(case, "import", vics)
    assert result.exit_code == 0, result.stderr
    assert "imported 'pv': 3 entries, 1 skipped (vics 2.0 Default, scheme vics)" in result.stderr
    assert "value[3]: MD5 is not 32 hex digits" in result.stderr
    assert "audit head: row" in result.stderr
    result = run(case, "import", nsrl, "--format", "nsrl", "--name", "nsrl-v2", "--json")
    assert result.exit_code == 0, result.stderr
    [imported] = jsonl(result)
    assert (imported["name"], imported["known_good"], imported["entry_count"]) == ("nsrl-v2", True, 4)
    listed = {row["name"]: row for row in jsonl(run(case, "list", "--json"))}
    assert set(listed) == {"pv", "nsrl-v2"}
    assert listed["pv"]["status"] == "done"
    text = run(case, "list").stdout
    assert "nsrl-v2\tnsrl\tnsrl (known-good)\t4 entries" in text
    result = run(case, "remove", "pv")
    assert result.exit_code == 0
    assert "removed 'pv' (3 entries)" in result.stderr
    assert [row["name"] for row in jsonl(run(case, "list", "--json"))] == ["nsrl-v2"]


def test_same_source_is_pointed_out(case: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "known.csv", ["md5", "category"], [[digests(1).md5, "1"]])
    assert run(case, "import", path, "--scheme", "vics").exit_code == 0
    result = run(case, "import", path, "--name", "again", "--delimiter", ",")
    assert result.exit_code == 0, result.stderr
    assert "already imported as: known" in result.stderr


def test_categories_and_mapping(case: Path) -> None:
    result = run(case, "map", "vics", "3", "exploitative")
    assert result.exit_code == 0, result.stderr
    assert "vics '3' → exploitative" in result.stderr
    rows = jsonl(run(case, "categories", "--json"))
    assert {"scheme": "vics", "source_value": "3", "category": "exploitative", "origin": "case"} in rows
    assert {"scheme": "vics", "source_value": "0", "category": "non-pertinent", "origin": "default"} in rows
    assert "vics-uk\tA\tillegal-A\tdefault" in run(case, "categories").stdout
    result = run(case, "unmap", "vics", "3")
    assert "vics '3' → unmapped:3 (default)" in result.stderr


def test_user_errors_raise_darkroom_errors_for_the_root_command(case: Path, tmp_path: Path) -> None:
    loose = write_json(tmp_path / "loose.json", {"value": [vics_media(1)]})
    result = run(case, "import", loose)
    assert isinstance(result.exception, InvalidInput)
    assert "--format" in str(result.exception)
    result = run(case, "map", "vics", "3", "not-a-category")
    assert isinstance(result.exception, InvalidInput)
    result = run(case, "remove", "nothing")
    assert isinstance(result.exception, InvalidInput)
