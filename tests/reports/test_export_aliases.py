"""`media export-vics` is an alias of `export --format vics`: the same bytes, the same output lines
(and JSON Lines) and the same audit row, at either clearance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkroom.evidence import audit
from darkroom.model import AuditEntry
from darkroom.store import CaseStore
from tests.conftest import CliRunner
from tests.reports.conftest import BuiltCase

COMMANDS = {"alias": ["media", "export-vics"], "direct": ["export", "--format", "vics", "--out"]}


def _export_rows(case_root: Path) -> list[AuditEntry]:
    store = CaseStore.open(case_root)
    try:
        with store.read() as conn:
            return list(audit.entries(conn, "export.vics"))
    finally:
        store.close()


@pytest.mark.parametrize("clearance", ["standard", "restricted"])
@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_export_vics_writes_the_bytes_output_and_audit_row_of_export(
    case_copy: BuiltCase, tmp_path: Path, cli: CliRunner, clearance: str, json_flag: list[str]
) -> None:
    outputs: dict[str, str] = {}
    seqs: list[int] = []
    for name, command in COMMANDS.items():
        out = tmp_path / name / "case-vics.json"
        out.parent.mkdir()
        ran = cli(
            *command, out, "--clearance", clearance, "--case", case_copy.root, "--actor", "x", *json_flag
        )
        assert ran.code == 0, ran.err
        outputs[name] = ran.out.replace(str(out), "OUT")
        if json_flag:  # each export is its own audit row: compare the rest of the line
            (line,) = ran.jsonl()
            seqs.append(line.pop("audit_seq"))
            outputs[name] = json.dumps(line, sort_keys=True).replace(str(out), "OUT")
    alias_bytes = (tmp_path / "alias" / "case-vics.json").read_bytes()
    assert alias_bytes == (tmp_path / "direct" / "case-vics.json").read_bytes()
    assert b'"Media"' in alias_bytes
    assert outputs["alias"] == outputs["direct"]
    assert "OUT" in outputs["alias"]
    alias, direct = _export_rows(case_copy.root)
    if json_flag:
        line = json.loads(outputs["alias"])
        assert line["clearance"] == clearance and line["counts"] == {"media": 1}
        assert seqs == [alias.seq, direct.seq]
    else:
        assert f"clearance {clearance}: restricted records" in outputs["alias"]
    assert (alias.actor, alias.action, alias.object_ref) == (direct.actor, direct.action, direct.object_ref)
    in_alias = json.dumps(alias.details, sort_keys=True).replace(str(tmp_path / "alias"), "DIR")
    assert in_alias == json.dumps(direct.details, sort_keys=True).replace(str(tmp_path / "direct"), "DIR")
    assert alias.details["clearance"] == clearance
