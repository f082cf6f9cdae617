"""`darkroom media …`: list, show, series, match, categorise, VICS export, PDQ check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.table import Table

from darkroom.cli.analyse import MaxDistance, MinQuality, run_media_analysis
from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    ClearanceOption,
    JsonOption,
    actor_name,
    emit_jsonl,
    opened_case,
    out,
)
from darkroom.errors import InvalidInput
from darkroom.media import MATCH_DISTANCE, QUALITY_THRESHOLD

if TYPE_CHECKING:
    from darkroom.media.index import IndexKind

app = typer.Typer(help="Pictures and videos: hashes, EXIF, matches, series, review.", no_args_is_help=True)


def _item_line(item: dict[str, Any]) -> str:
    matches = ";".join(
        f"{m['hashset']}:{m['kind']}:{m['distance']}:{m['category'] or '-'}" for m in item["matches"]
    )
    exif = " ".join(
        str(v)
        for v in (item["exif_make"], item["exif_model"], item["exif_body_serial"], item["exif_taken_at"])
        if v
    )
    return "\t".join(
        str(v)
        for v in (
            item["file_id"],
            item["exhibit"],
            item["path"],
            item["status"],
            item["pdq_hex"] or item["error"] or "-",
            item["pdq_quality"] if item["pdq_quality"] is not None else "-",
            f"series {item['series_id']}" if item["series_id"] is not None else "-",
            item["category"] or "-",
            matches or "-",
            exif or "-",
        )
    )


def _json_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "thumbnail_path"}


@app.command("list")
def list_media(
    case: CaseOption = None,
    status: Annotated[str | None, typer.Option("--status", help="done or failed.")] = None,
    exhibit: Annotated[str | None, typer.Option("--exhibit", help="Only this exhibit.")] = None,
    series: Annotated[int | None, typer.Option("--series", help="Only this series.")] = None,
    unknown: Annotated[bool, typer.Option("--unknown", help="Only items no hash set matched.")] = False,
    json_output: JsonOption = False,
) -> None:
    """One line per item: exhibit, path, digests, PDQ and quality, EXIF, matches, series, category."""
    from darkroom.media.queries import media_items  # noqa: PLC0415 - start-up

    clauses: list[str] = []
    params: dict[str, object] = {}
    if status:
        if status not in ("done", "failed"):
            raise InvalidInput("--status must be done or failed")
        clauses.append("m.status = :status")
        params["status"] = status
    if exhibit:
        clauses.append("e.ref = :exhibit")
        params["exhibit"] = exhibit
    if series is not None:
        clauses.append("sm.series_id = :series")
        params["series"] = series
    if unknown:
        clauses.append("NOT EXISTS (SELECT 1 FROM media_matches x WHERE x.file_id = f.id)")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with opened_case(case) as store, store.read() as conn:
        for item in media_items(conn, where, params):
            if json_output:
                emit_jsonl([_json_item(item)])
            else:
                typer.echo(_item_line(item))


@app.command("show")
def show(
    file_id: Annotated[int, typer.Argument(help="The media item's file id (first column of `media list`).")],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Everything known about one item: digests, EXIF, matches, series, who sent or received it."""
    from darkroom.media.queries import media_items, senders_of  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        items = list(media_items(conn, "WHERE f.id = :id", {"id": file_id}))
        if not items:
            raise InvalidInput(f"no media item with file id {file_id}")
        item = _json_item(items[0])
        item["messages"] = senders_of(conn, file_id)
    if json_output:
        emit_jsonl([item])
        return
    console = out()
    for key in (
        "exhibit",
        "path",
        "md5",
        "sha1",
        "sha256",
        "media_kind",
        "status",
        "error",
        "width",
        "height",
    ):
        console.print(f"{key}: {item[key]}", markup=False)
    console.print(f"pdq: {item['pdq_hex']} (quality {item['pdq_quality']})", markup=False)
    for key in ("exif_make", "exif_model", "exif_body_serial", "exif_lens", "exif_software", "exif_taken_at"):
        if item[key]:
            console.print(f"{key[5:]}: {item[key]}", markup=False)
    if item["gps_lat"] is not None:
        console.print(f"gps: {item['gps_lat']:.6f}, {item['gps_lon']:.6f}")
    console.print(f"series: {item['series_id'] or '-'}   category: {item['category'] or '-'}")
    for match in item["matches"]:
        console.print(
            f"match: {match['hashset']} {match['kind']} distance {match['distance']} "
            f"category {match['category'] or '-'} ({match['entry']})",
            markup=False,
        )
    for review in item["reviews"]:
        console.print(
            f"review: {review['source']} {review['category']} by {review['actor']}: {review['reason']}"
        )
    for message in item["messages"]:
        console.print(
            f"sent: {message['sent_at_utc']} "
            f"by {message['sender_platform'] or '-'}:{message['sender'] or '-'} "
            f"in {message['platform']} '{message['conversation'] or ''}' on {message['exhibit']} "
            f"({message['source_file']} {message['locator']})",
            markup=False,
        )


@app.command("series")
def series(
    case: CaseOption = None,
    min_size: Annotated[int, typer.Option("--min-size", help="Only series of at least this many files.")] = 2,
    json_output: JsonOption = False,
) -> None:
    """Series of near-duplicates, new material first (never in a hash set, most exhibits, largest)."""
    from darkroom.media.queries import gps_points, series_rows  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        rows = [r for r in series_rows(conn) if r["file_count"] >= min_size]
        for row in rows:
            row["gps"] = gps_points(conn, row["id"])
    if json_output:
        emit_jsonl(rows)
        return
    table = Table(
        "series", "known", "files", "distinct", "exhibits", "devices", "camera serials", "taken", "gps"
    )
    for row in rows:
        table.add_row(
            str(row["id"]),
            "yes" if row["known"] else "NEW",
            str(row["file_count"]),
            str(row["distinct_count"]),
            ", ".join(row["exhibit_refs"]),
            ", ".join(row["devices"]),
            ", ".join(row["camera_serials"]) or "-",
            f"{row['first_taken'] or '-'} .. {row['last_taken'] or '-'}",
            str(len(row["gps"])),
        )
    out().print(table)


@app.command("match")
def match(
    case: CaseOption = None,
    actor: ActorOption = None,
    max_distance: MaxDistance = MATCH_DISTANCE,
    min_quality: MinQuality = QUALITY_THRESHOLD,
    index: Annotated[str, typer.Option("--index", help="auto, flat or multihash (all exact).")] = "auto",
) -> None:
    """Match every file against the hash sets (exact digests, PDQ), then rebuild series and links."""
    if index not in ("auto", "flat", "multihash"):
        raise InvalidInput("--index must be auto, flat or multihash")
    with opened_case(case) as store:
        run_media_analysis(store, actor_name(actor), max_distance, min_quality, cast("IndexKind", index))


@app.command("categorise")
def categorise(
    category: Annotated[str, typer.Argument(help="A case category (see `darkroom hashset categories`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    file_ids: Annotated[
        list[int] | None, typer.Option("--file", help="Media item file id (repeatable).")
    ] = None,
    series_id: Annotated[int | None, typer.Option("--series", help="Every item of this series.")] = None,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Categorise items or a whole series (audited); near-duplicates get it as a suggestion."""
    from darkroom.media.review import categorise as record  # noqa: PLC0415 - start-up

    with opened_case(case) as store:
        result = record(store, actor_name(actor), category, reason, file_ids, series_id)
    out().print(
        f"categorised {result.decided} items as {category}; {result.suggested} near-duplicates suggested"
    )


@app.command("export-vics")
def export_vics(
    out_path: Annotated[Path, typer.Argument(help="The VICS 2.0 JSON file to write.")],
    clearance: ClearanceOption = "standard",
    case: CaseOption = None,
    actor: ActorOption = None,
    json_output: JsonOption = False,
) -> None:
    """Export the case's categorised media as a VICS 2.0 case file (known-good left out): an alias of
    `darkroom export --format vics` (the same file, output and audit row); path segments naming
    restricted records are masked unless --clearance restricted."""
    from darkroom.cli.export import export_and_report  # noqa: PLC0415 - start-up

    export_and_report("vics", out_path, clearance, case, actor, json_output)


@app.command("pdq-check")
def pdq_check(
    data_dir: Annotated[
        Path,
        typer.Argument(
            help="A ThreatExchange checkout or its pdq/data folder (or .cache/pdq-vectors/ThreatExchange)."
        ),
    ],
) -> None:
    """Hash the PDQ reference test images and compare with the published expected hashes.

    Exits 1 when an image that is present misses its hash, or when none is present; images the
    folder lacks are listed as missing.
    """
    from darkroom.media.pdq_vectors import (  # noqa: PLC0415 - start-up
        CPP_REGRESSION_OUTPUT,
        PYTHON_REFERENCE_TEST,
        check_vectors,
    )

    short_source = {PYTHON_REFERENCE_TEST: "Python test", CPP_REGRESSION_OUTPUT: "C++ regression"}

    results = check_vectors(data_dir)
    table = Table(
        "image [form]", "published by", "bits from published", "full-size decode", "quality", "result"
    )
    for result in results:
        table.add_row(
            result.label,
            short_source.get(result.source, "threatexchange CLI test"),
            "-" if result.distance is None else str(result.distance),
            "-" if result.full_size_distance is None else str(result.full_size_distance),
            "-" if result.quality is None else str(result.quality),
            "missing" if result.missing else ("pass" if result.passed else f"FAIL {result.error or ''}"),
        )
    out().print(table)
    present = [r for r in results if not r.missing]
    passed = sum(r.passed for r in present)
    out().print(
        f"{passed} of {len(present)} present vectors pass; {len(results) - len(present)} images missing"
    )
    if not present or passed < len(present):
        raise typer.Exit(1)
