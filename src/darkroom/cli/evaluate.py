"""`darkroom eval`: score a processed case against a truth file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from darkroom.cli.common import CaseOption, JsonOption, emit_jsonl, opened_case, out
from darkroom.errors import InvalidInput

if TYPE_CHECKING:
    from darkroom.synth.evaluate_media import MediaScores
    from darkroom.synth.evaluate_triage import TriageScores


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def evaluate(
    truth: Annotated[Path, typer.Option("--truth", help="truth.json written by `darkroom synth`.")],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Score the case against a truth file: parsing, identifiers and, once media ran, media matching."""
    from darkroom.synth.evaluate import score_formats, score_identifiers  # noqa: PLC0415 - start-up
    from darkroom.synth.evaluate_media import has_media, score_media  # noqa: PLC0415 - start-up
    from darkroom.synth.evaluate_triage import has_triage, score_triage  # noqa: PLC0415 - start-up

    try:
        truth_data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InvalidInput(f"cannot read the truth file {truth}: {err}") from err
    if "darkroom_synth" not in truth_data:
        raise InvalidInput(f"{truth} is not a truth.json written by `darkroom synth`")
    with opened_case(case) as store:
        scores = score_formats(store, truth_data)
        identifier_scores = score_identifiers(store, truth_data)
        media_scores = score_media(store, truth_data) if has_media(store) else None
        triage_scores = score_triage(store, truth_data) if has_triage(store) else None
    if json_output:
        emit_jsonl({"section": "formats", **score.as_dict()} for score in scores)
        emit_jsonl({"section": "identifiers", **score.as_dict()} for score in identifier_scores)
        if media_scores is not None:
            emit_jsonl(_media_rows(media_scores))
        if triage_scores is not None:
            from darkroom.synth.evaluate_triage import triage_rows  # noqa: PLC0415 - start-up

            emit_jsonl(triage_rows(triage_scores))
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
    if media_scores is not None:
        _print_media(media_scores)
    if triage_scores is not None:
        _print_triage(triage_scores)


def _media_rows(scores: MediaScores) -> Iterator[dict[str, Any]]:
    """JSON Lines of the media sections: match, match per transform, series, robustness."""
    yield {"section": "media-match", **scores.match.as_dict()}
    for group in scores.match.per_transform:
        yield {"section": "media-match-transform", "transform": group.name, **group.as_dict()}
    yield {"section": "media-series", **scores.series.as_dict()}
    references = {"references_from_case": scores.references_from_case}
    references["references_from_truth"] = scores.references_from_truth
    for row in scores.robustness:
        yield {"section": "media-robustness", **row.as_dict(), **references}


def _distance(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _print_media(scores: MediaScores) -> None:
    match, series = scores.match, scores.series
    recall = Table("media should match", "files", "matched", "recall")
    rows = [(g.name, g) for g in (match.overall, match.exact, match.perceptual)]
    rows.extend((f"  {g.name}", g) for g in match.per_transform)
    for name, group in rows:
        recall.add_row(name, str(group.should_match), str(group.matched), _percent(group.recall))
    out().print(recall)
    out().print(
        f"match precision {_percent(match.precision)} ({match.true_matches} of {match.matched_files} matched "
        f"files); known-good: {match.known_good_flagged} of {match.known_good_planted} planted flagged, "
        f"{match.known_good_wrongly_flagged} wrongly; planted media files missing from the case: "
        f"{match.files_missing}"
    )
    clusters = Table("media series (unknown photos)", "value")
    clusters.add_row("purity", _percent(series.purity))
    clusters.add_row("completeness", _percent(series.completeness))
    for name in ("truth_files", "truth_scenes", "truth_singletons", "darkroom_series", "darkroom_singletons"):
        clusters.add_row(name.replace("_", " "), str(getattr(series, name)))
    clusters.add_row("unclustered files", str(series.unclustered_files))
    out().print(clusters)
    robust = Table("PDQ transform", "files", "median", "max", "<= 31", "dihedral median", "max", "<= 31")
    for row in scores.robustness:
        robust.add_row(
            row.transform,
            str(row.files),
            _distance(row.median_distance),
            _distance(row.max_distance),
            _percent(row.share_within),
            _distance(row.median_dihedral),
            _distance(row.max_dihedral),
            _percent(row.share_within_dihedral),
        )
    out().print(robust)


def _print_triage(scores: TriageScores) -> None:
    from darkroom.synth.evaluate_triage import describe  # noqa: PLC0415 - start-up

    table = Table("triage (planted events, decoys, high-risk suspects)", "value")
    for measure, value in describe(scores):
        table.add_row(measure, value)
    out().print(table)
