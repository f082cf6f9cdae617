"""`darkroom analyse`: the analysis stages over the store, in dependency order; each is
idempotent, so re-running after new evidence or a new hash set brings everything up to date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from darkroom.cli.common import ActorOption, CaseOption, actor_name, opened_case, out
from darkroom.media import MATCH_DISTANCE, QUALITY_THRESHOLD
from darkroom.store import CaseStore

if TYPE_CHECKING:
    from darkroom.media.index import IndexKind

MaxDistance = Annotated[int, typer.Option("--max-distance", help="PDQ match threshold in bits.")]
MinQuality = Annotated[int, typer.Option("--min-quality", help="PDQ quality floor for auto-matching.")]


def run_media_analysis(
    store: CaseStore,
    actor: str,
    max_distance: int = MATCH_DISTANCE,
    min_quality: int = QUALITY_THRESHOLD,
    index: IndexKind = "auto",
) -> None:
    """Hash-set matching, then series of near-duplicates, then attachment links; prints a summary."""
    from darkroom.media.links import run_links  # noqa: PLC0415 - start-up
    from darkroom.media.match import MatchSettings, run_matching  # noqa: PLC0415
    from darkroom.media.series import SeriesSettings, run_series  # noqa: PLC0415

    settings = MatchSettings(max_distance=max_distance, min_quality=min_quality, index_kind=index)
    matched = run_matching(store, actor, settings)
    series = run_series(store, SeriesSettings(max_distance=max_distance, min_quality=min_quality))
    links = run_links(store)
    console = out()
    exact = ", ".join(f"{kind} {count}" for kind, count in matched.exact.items())
    console.print(
        f"matches: exact ({exact}), perceptual {matched.perceptual} "
        f"({matched.query_hashes} case hashes against {matched.known_hashes} known, "
        f"{matched.index_kind} index, "
        f"{matched.low_quality_skipped} below quality {min_quality} not matched); "
        f"{matched.files_matched} files matched, {matched.known_good_files} known-good",
        markup=False,
    )
    console.print(
        f"series: {series.series} from {series.pictures} distinct pictures, "
        f"{series.multi_file_series} with near-duplicates, largest {series.largest} files",
        markup=False,
    )
    console.print(
        f"attachments linked to media: {links.linked} ({links.ambiguous} names fit several files, "
        f"{links.unresolved} not among the exhibit's media)",
        markup=False,
    )


def analyse(
    case: CaseOption = None,
    actor: ActorOption = None,
    max_distance: MaxDistance = MATCH_DISTANCE,
    min_quality: MinQuality = QUALITY_THRESHOLD,
) -> None:
    """Run the analysis stages in dependency order: identity (persons), media matching, series, who
    sent what, the network and its leads, then triage."""
    from darkroom.cli.identity import run_identity_stage  # noqa: PLC0415 - start-up
    from darkroom.cli.network import run_network_stage  # noqa: PLC0415
    from darkroom.cli.triage import run_triage_stage  # noqa: PLC0415

    with opened_case(case) as store:
        run_identity_stage(store, actor_name(actor))
        run_media_analysis(store, actor_name(actor), max_distance, min_quality)
        run_network_stage(store, actor_name(actor))
        run_triage_stage(store, actor_name(actor))
