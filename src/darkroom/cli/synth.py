"""`darkroom synth`: write a synthetic seized-evidence tree and its truth.json."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from darkroom.synth import SynthSummary


class Scale(enum.StrEnum):
    """Case sizes: seconds (`small`), 10x (`medium`), the model case (`dark-room`, minutes, ~GBs)."""

    SMALL = "small"
    MEDIUM = "medium"
    DARK_ROOM = "dark-room"


def _require_empty(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        msg = f"{out_dir} is not an empty folder; synth writes only into a new or empty folder"
        raise typer.BadParameter(msg, param_hint="OUT_DIR")


def _summary_table(summary: SynthSummary) -> Table:
    table = Table("scale", "seed", "exhibits", "persons", "accounts", "files", "messages", "images")
    table.add_row(
        summary.scale,
        str(summary.seed),
        str(summary.exhibits),
        str(summary.persons),
        str(summary.accounts),
        str(summary.files),
        str(summary.messages),
        str(summary.images),
    )
    return table


def synth_command(
    out_dir: Annotated[
        Path,
        typer.Argument(
            metavar="OUT_DIR", help="New or empty folder for the exhibits, hash set and truth.json."
        ),
    ],
    scale: Annotated[Scale, typer.Option("--scale", help="How big a case to generate.")] = Scale.SMALL,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 1,
) -> None:
    """Generate a synthetic network case (benign content, fictional identifiers) with ground truth."""
    out_dir = out_dir.expanduser()
    _require_empty(out_dir)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    columns = (
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            """One progress bar per stage, created when the stage first reports."""
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        from darkroom.synth import generate  # noqa: PLC0415 - keeps other commands' start-up fast

        summary = generate(out_dir, scale.value, seed, report)
    Console(highlight=False, soft_wrap=True).print(_summary_table(summary))
    errors.print(f"truth: {summary.truth_path}")
