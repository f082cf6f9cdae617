"""`darkroom hashset`: import known hash sets (VICS, CSV, NSRL), list and remove them, map categories."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from darkroom.cli.common import ActorOption, CaseOption, JsonOption, actor_name, emit_jsonl, err, opened_case
from darkroom.media.hashsets.categories import clear_mapping, mappings, set_mapping
from darkroom.media.hashsets.importer import (
    ImportProgress,
    ImportResult,
    import_hashset,
    list_hashsets,
    remove_hashset,
)

app = typer.Typer(
    help="Known hash sets (Project VIC VICS, CSV, NSRL known-good) and the case's category scheme.",
    no_args_is_help=True,
)

FormatOption = Annotated[
    str | None,
    typer.Option("--format", help="vics | csv | nsrl (default: detected, when that is certain)."),
]


class _ImportDisplay:
    """A bar by bytes: first hashing the source, then reading it (with the entries written so far)."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}[/]"),
            BarColumn(bar_width=None),
            DownloadColumn(),
            TextColumn("{task.fields[entries]:,} entries"),
            TimeElapsedColumn(),
            console=err(),
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def update(self, where: ImportProgress) -> None:
        task = self.tasks.get(where.phase)
        if task is None:
            task = self.progress.add_task(where.phase, total=where.total_bytes or None, entries=0)
            self.tasks[where.phase] = task
        self.progress.update(task, completed=where.done_bytes, entries=where.entries)


def _print_import(result: ImportResult) -> None:
    console = err()
    version = " ".join(part for part in (result.format_version, result.model) if part)
    console.print(
        f"imported {result.name!r}: {result.entry_count:,} entries, {result.skipped_count:,} skipped "
        f"({result.format}{' ' + version if version else ''}, scheme {result.scheme}"
        f"{', known-good' if result.known_good else ''})",
        markup=False,
    )
    for reason, count in list(result.skip_reasons.items())[:10]:
        console.print(f"  skipped {count:,}: {reason}", markup=False)
    for sample in result.skip_samples[:5]:
        console.print(f"  e.g. {sample.locator}: {sample.reason}", markup=False)
    for note in result.notes[:10]:
        console.print(f"  note: {note}", markup=False)
    if result.same_source_as:
        console.print(
            f"  the same file (SHA-256 {result.source_sha256}) is already imported as: "
            f"{', '.join(result.same_source_as)}",
            markup=False,
        )


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="The hash-set file (VICS JSON, CSV, NSRLFile.txt, RDSv3 .db).")
    ],
    fmt: FormatOption = None,
    name: Annotated[str | None, typer.Option("--name", help="Name in the case (default: file stem).")] = None,
    scheme: Annotated[
        str | None,
        typer.Option(
            "--scheme", help="Category scheme (default: from the file; e.g. vics for a CSV of VICS codes)."
        ),
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="CSV delimiter: , or ; or a tab (default: sniffed).")
    ] = None,
    case: CaseOption = None,
    actor: ActorOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import a hash set: streamed, its source SHA-256 recorded, bad entries skipped and counted."""
    display = _ImportDisplay()
    with opened_case(case) as store, display.progress:
        result = import_hashset(
            store,
            file,
            fmt,
            name,
            actor_name(actor),
            scheme=scheme,
            delimiter=delimiter,
            progress=display.update,
        )
    if json_output:
        row = asdict(result)
        row["skip_samples"] = [f"{s.locator}: {s.reason}" for s in result.skip_samples]
        emit_jsonl([row])
    _print_import(result)


@app.command("list")
def list_command(case: CaseOption = None, json_output: JsonOption = False) -> None:
    """The case's hash sets: format, scheme, entries, skipped, status, source SHA-256."""
    with opened_case(case) as store:
        sets = list_hashsets(store)
    if json_output:
        emit_jsonl(asdict(info) for info in sets)
        return
    if not sets:
        err().print("no hash sets in this case; add one with `darkroom hashset import FILE`")
    for info in sets:
        status = info.status if info.status != "failed" else f"failed: {info.error}"
        typer.echo(
            f"{info.name}\t{info.format}\t{info.scheme}{' (known-good)' if info.known_good else ''}\t"
            f"{info.entry_count} entries\t{info.skipped_count} skipped\t{status}\t{info.source_sha256}"
        )


@app.command("remove")
def remove_command(
    name: Annotated[str, typer.Argument(help="The hash set's name (see `hashset list`).")],
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Remove a hash set with its entries and the matches against them (audited)."""
    with opened_case(case) as store:
        info = remove_hashset(store, name, actor_name(actor))
    err().print(f"removed {info.name!r} ({info.entry_count:,} entries)", markup=False)


@app.command("categories")
def categories_command(case: CaseOption = None, json_output: JsonOption = False) -> None:
    """The effective category map: each scheme's source values and the case category they mean."""
    with opened_case(case) as store, store.read() as conn:
        effective = mappings(conn)
    if json_output:
        emit_jsonl(asdict(mapping) for mapping in effective)
        return
    for mapping in effective:
        typer.echo(f"{mapping.scheme}\t{mapping.source_value}\t{mapping.category}\t{mapping.origin}")
    err().print("anything else is unmapped:<value> until mapped with `darkroom hashset map`")


@app.command("map")
def map_command(
    scheme: Annotated[str, typer.Argument(help="vics, vics-uk, csv, nsrl, or a scheme given at import.")],
    value: Annotated[str, typer.Argument(help="The source's category value ('(none)' for none).")],
    category: Annotated[str, typer.Argument(help="A case category: illegal-A/B/C, illegal, exploitative …")],
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Map a source category value to a case category for this case (audited)."""
    with opened_case(case) as store:
        mapping = set_mapping(store, scheme, value, category, actor_name(actor))
    err().print(f"{mapping.scheme} {mapping.source_value!r} → {mapping.category}", markup=False)


@app.command("unmap")
def unmap_command(
    scheme: Annotated[str, typer.Argument(help="The scheme of the mapping.")],
    value: Annotated[str, typer.Argument(help="The source value whose case mapping to drop.")],
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Drop the case's mapping of a source value; the default applies again (audited)."""
    with opened_case(case) as store:
        after = clear_mapping(store, scheme, value, actor_name(actor))
    err().print(f"{scheme} {value.strip()!r} → {after} (default)", markup=False)
