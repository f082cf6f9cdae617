"""Options and helpers every command shares: --case, --actor, --json, output and the audit head."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from darkroom.store import CaseStore

CaseOption = Annotated[
    Path | None,
    typer.Option(
        "--case",
        envvar="DARKROOM_CASE",
        help="Case folder (default: $DARKROOM_CASE, else the current folder).",
        show_default=False,
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor", envvar="DARKROOM_ACTOR", help="Who is acting, for the audit log (default: OS user)."
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON Lines (one object per line) for scripts.")
]
ClearanceOption = Annotated[
    str,
    typer.Option(
        "--clearance",
        help="'restricted' writes restricted records; 'standard' (the default; 'none' also) redacts them.",
    ),
]


def out() -> Console:
    """Console for results (stdout), bound to the current stdout so tests can capture it."""
    return Console(highlight=False, soft_wrap=True)


def err() -> Console:
    """Console for progress and messages (stderr), so `--json` output stays clean."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def case_root(case: Path | None) -> Path:
    """The case folder a command works on."""
    return (case or Path.cwd()).expanduser()


def actor_name(actor: str | None) -> str:
    """The acting person: --actor, $DARKROOM_ACTOR, else the OS user."""
    if actor and actor.strip():
        return actor.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


@contextmanager
def opened_case(case: Path | None, announce_head: bool = True) -> Iterator[CaseStore]:
    """Open the case for one command; print the new audit head if the command appended to it."""
    store = CaseStore.open(case_root(case))
    try:
        yield store
    finally:
        store.close()
    if announce_head and store.last_head:
        print_head(store)


def print_head(store: CaseStore) -> None:
    """Every command that appends to the audit chain prints its new head (keep it elsewhere too)."""
    if store.last_head:
        seq, row_hash = store.last_head
        err().print(f"audit head: row {seq} {row_hash}")


def emit_jsonl(rows: Iterable[dict[str, Any]]) -> None:
    """One JSON object per line on stdout."""
    for row in rows:
        typer.echo(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str))
