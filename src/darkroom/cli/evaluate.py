"""`darkroom eval`: score a processed case against a truth file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from darkroom.cli.common import CaseOption, JsonOption, emit_jsonl, opened_case, out
from darkroom.errors import InvalidInput


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def evaluate(
    truth: Annotated[Path, typer.Option("--truth", help="truth.json written by `darkroom synth`.")],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Score the case against a truth file: per format, files parsed and message/contact recall."""
    from darkroom.synth.evaluate import score_formats, score_identifiers  # noqa: PLC0415 - start-up

    try:
        truth_data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InvalidInput(f"cannot read the truth file {truth}: {err}") from err
    if "darkroom_synth" not in truth_data:
        raise InvalidInput(f"{truth} is not a truth.json written by `darkroom synth`")
    with opened_case(case) as store:
        scores = score_formats(store, truth_data)
        identifier_scores = score_identifiers(store, truth_data)
    if json_output:
        emit_jsonl({"section": "formats", **score.as_dict()} for score in scores)
        emit_jsonl({"section": "identifiers", **score.as_dict()} for score in identifier_scores)
        return
    table = Table("format", "files", "parsed", "messages", "recall", "extra", "contacts", "recall", "extra")
    for s in scores:
        table.add_row(
            s.kind,
            str(s.files),
            str(s.files_parsed),
            str(s.messages_planted),
            _percent(s.message_recall),
            str(s.messages_extra),
            str(s.contacts_planted),
            _percent(s.contact_recall),
            str(s.contacts_extra),
        )
    out().print(table)
    ids = Table("identifier", "planted (in evidence)", "extracted", "precision", "recall")
    for i in identifier_scores:
        ids.add_row(
            i.kind, str(i.planted_in_evidence), str(i.extracted), _percent(i.precision), _percent(i.recall)
        )
    out().print(ids)
