"""`darkroom eval`: score a processed case against a truth file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from darkroom.cli.common import CaseOption, JsonOption, emit_jsonl, opened_case, out
from darkroom.errors import InvalidInput

if TYPE_CHECKING:
    from darkroom.identity.scoring import UnitTruthReport
    from darkroom.store import CaseStore
    from darkroom.synth.evaluate import FormatScore, IdentifierScore
    from darkroom.synth.evaluate_identity import IdentityEval
    from darkroom.synth.evaluate_media import MediaScores
    from darkroom.synth.evaluate_network import NetworkScores
    from darkroom.synth.evaluate_triage import TriageScores


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def evaluate(
    truth: Annotated[
        Path,
        typer.Option(
            "--truth",
            help="truth.json written by `darkroom synth`, or a unit's own truth file "
            '({"persons": {KEY: LABEL}, "communities": {KEY: LABEL}}).',
        ),
    ],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Score the case against a truth file: parsing, identifiers, persons, and once they ran, media
    matching, the network (communities against the planted networks, hidden suspects among the
    leads) and triage for synthetic truth; persons and communities for a unit's own labelled case."""
    try:
        truth_data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InvalidInput(f"cannot read the truth file {truth}: {err}") from err
    if not isinstance(truth_data, dict) or not (
        {"darkroom_synth", "persons", "communities"} & set(truth_data)
    ):
        raise InvalidInput(
            f"{truth} is neither a truth.json written by `darkroom synth` nor a truth file with "
            '"persons" or "communities"'
        )
    if "darkroom_synth" not in truth_data:
        _unit_truth(truth_data, case, json_output)
        return
    with opened_case(case) as store:
        scores = _score_synthetic(store, truth_data)
    if json_output:
        emit_jsonl(_synthetic_rows(scores))
    else:
        _print_synthetic(scores)


@dataclass(frozen=True, slots=True)
class _SyntheticScores:
    """Every section scored against a synthetic truth.json; None where the stage has not run."""

    formats: list[FormatScore]
    identifiers: list[IdentifierScore]
    identity: IdentityEval | None
    media: MediaScores | None
    network: NetworkScores | None
    triage: TriageScores | None


def _score_synthetic(store: CaseStore, truth_data: dict[str, Any]) -> _SyntheticScores:
    from darkroom.synth.evaluate import score_formats, score_identifiers  # noqa: PLC0415 - start-up
    from darkroom.synth.evaluate_identity import has_identity, score_identity  # noqa: PLC0415
    from darkroom.synth.evaluate_media import has_media, score_media  # noqa: PLC0415
    from darkroom.synth.evaluate_network import has_network, score_network  # noqa: PLC0415
    from darkroom.synth.evaluate_triage import has_triage, score_triage  # noqa: PLC0415

    return _SyntheticScores(
        formats=score_formats(store, truth_data),
        identifiers=score_identifiers(store, truth_data),
        identity=score_identity(store, truth_data) if has_identity(store) else None,
        media=score_media(store, truth_data) if has_media(store) else None,
        network=score_network(store, truth_data) if has_network(store) else None,
        triage=score_triage(store, truth_data) if has_triage(store) else None,
    )


def _synthetic_rows(scores: _SyntheticScores) -> Iterator[dict[str, Any]]:
    """One JSON line per scored row, each with its section."""
    from darkroom.synth.evaluate_triage import triage_rows  # noqa: PLC0415 - start-up

    yield from ({"section": "formats", **score.as_dict()} for score in scores.formats)
    yield from ({"section": "identifiers", **score.as_dict()} for score in scores.identifiers)
    if scores.identity is not None:
        yield {"section": "identity", **scores.identity.as_dict()}
    if scores.media is not None:
        yield from _media_rows(scores.media)
    if scores.network is not None:
        yield from _network_rows(scores.network)
    if scores.triage is not None:
        yield from triage_rows(scores.triage)


def _print_synthetic(scores: _SyntheticScores) -> None:
    table = Table("format", "files", "parsed", "messages", "recall", "extra", "contacts", "recall", "extra")
    for s in scores.formats:
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
    for i in scores.identifiers:
        ids.add_row(
            i.kind, str(i.planted_in_evidence), str(i.extracted), _percent(i.precision), _percent(i.recall)
        )
    out().print(ids)
    if scores.identity is not None:
        _print_identity(scores.identity)
    if scores.media is not None:
        _print_media(scores.media)
    if scores.network is not None:
        _print_network(scores.network)
    if scores.triage is not None:
        _print_triage(scores.triage)


def _network_rows(scores: NetworkScores) -> Iterator[dict[str, Any]]:
    """JSON Lines of the network sections: communities, leads."""
    yield {"section": "network-communities", **scores.communities.as_dict()}
    yield {"section": "network-leads", **scores.leads.as_dict()}


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _print_network(scores: NetworkScores) -> None:
    c, leads = scores.communities, scores.leads
    table = Table("network communities", "all members", "single-network members")
    table.add_row("NMI", _number(c.nmi), _number(c.nmi_single_network))
    table.add_row("adjusted Rand", _number(c.adjusted_rand), _number(c.adjusted_rand_single_network))
    table.add_row("accounts scored", str(c.accounts_scored), str(c.single_network_accounts))
    out().print(table)
    out().print(
        f"{c.persons_scored} network members in {c.networks} networks, {c.communities_found} communities "
        f"hold their accounts; {c.accounts_unmatched} accounts not tied to a truth person"
    )
    row = leads.as_dict()
    out().print(
        f"hidden suspects: {leads.hidden_suspects} planted, {leads.present} in the case, "
        f"{row['found']} among {leads.open_leads} leads (median rank {row['median_rank']}); "
        f"recall@10 {_percent(row['recall_at_10'])}, recall@50 {_percent(row['recall_at_50'])}; "
        f"capped recall@10 {_percent(row['capped_recall_at_10'])}, "
        f"@50 {_percent(row['capped_recall_at_50'])}; R-precision {_percent(row['r_precision'])}"
    )


def _unit_truth(truth_data: dict[str, Any], case: Path | None, json_output: bool) -> None:
    """A unit's own truth file: persons (pairwise, B-cubed) and communities (ARI, NMI)."""
    from darkroom.identity.scoring import score_unit_truth  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        report = score_unit_truth(conn, truth_data, store.info().region)
    if json_output:
        typer.echo(json.dumps(report.as_dict(), sort_keys=True))
        return
    _print_unit_truth(report)


def _resolution_rows(table: Table, score: Any) -> None:
    for name in ("precision", "recall", "f1", "bcubed_precision", "bcubed_recall", "bcubed_f1"):
        table.add_row(name.replace("_", " "), _percent(getattr(score, name)))
    for name in (
        "records",
        "true_persons",
        "predicted_clusters",
        "true_pairs",
        "predicted_pairs",
        "correct_pairs",
    ):
        table.add_row(name.replace("_", " "), str(getattr(score, name)))


def _print_identity(scores: IdentityEval) -> None:
    table = Table("identity resolution", "value")
    _resolution_rows(table, scores.score)
    table.add_row("accounts labelled by the truth", f"{scores.accounts_labelled} of {scores.accounts}")
    table.add_row("accounts whose label names several people", str(scores.accounts_ambiguous))
    table.add_row("contact cards labelled by the truth", f"{scores.contacts_labelled} of {scores.contacts}")
    table.add_row("last run", f"{scores.run_mode} {scores.run_note or ''}".strip())
    out().print(table)


def _print_unit_truth(report: UnitTruthReport) -> None:
    if report.persons is not None and report.persons_keys is not None:
        table = Table("persons", "value")
        _resolution_rows(table, report.persons)
        keys = report.persons_keys
        table.add_row("keys (not found in the case)", f"{keys.keys} ({len(keys.keys_not_found)})")
        table.add_row("records labelled differently by two keys (left out)", str(keys.conflicting_records))
        out().print(table)
    if report.communities is not None:
        c = report.communities
        table = Table("communities", "value")
        table.add_row("adjusted Rand index", "-" if c.adjusted_rand is None else f"{c.adjusted_rand:.3f}")
        table.add_row("NMI", "-" if c.nmi is None else f"{c.nmi:.3f}")
        table.add_row("labelled records (without a network node)", f"{c.records} ({c.without_node})")
        table.add_row("communities: true / found", f"{c.true_communities} / {c.predicted_communities}")
        if c.note:
            table.add_row("note", c.note)
        out().print(table)


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
