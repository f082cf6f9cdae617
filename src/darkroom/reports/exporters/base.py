"""The exporter contract and registry `darkroom export --format NAME` dispatches on.

An exporter is a small class with a unique `name`, a one-line `description` and `export(store,
out_path)`, which writes one file (or a folder of files) and says what it wrote. Built-ins register
by entry point (`darkroom.exporters`) as third parties do; until the installed metadata carries the
group, BUILTIN_EXPORTERS supplies them. `run_export` records every export in the audit chain with
the SHA-256 of each file written and the clearance it was run with.

Need-to-know: an exporter that can redact restricted records (undercover officers, victims) says so
by accepting a keyword `clearance` ("standard" or "restricted", darkroom.clearance; `export(store,
out_path, *, clearance="standard")`, see `RedactingExporter`): without clearance it must leave
restricted records out or write them as "[restricted]". `run_export` passes the clearance only to
exporters whose `export` accepts it, so third-party exporters with the original two-argument
signature keep loading and running, but only with clearance "restricted": one that cannot redact is
refused without it (ExportUnavailable).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, cast, runtime_checkable

from darkroom.clearance import Clearance, clearance_of
from darkroom.errors import ExportUnavailable, InvalidInput
from darkroom.hashfile import sha256_of_file
from darkroom.plugins import load_plugins
from darkroom.reports.outputs import record_output
from darkroom.store import CaseStore

ENTRY_POINT_GROUP = "darkroom.exporters"


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an exporter wrote: the files (one, or the files of a folder) and counts by kind."""

    written: tuple[Path, ...]
    counts: tuple[tuple[str, int], ...]


@runtime_checkable
class Exporter(Protocol):
    """One export format."""

    name: str
    description: str

    def export(self, store: CaseStore, out_path: Path) -> ExportSummary: ...


@runtime_checkable
class RedactingExporter(Protocol):
    """An export format that honours the reader's clearance (every built-in does)."""

    name: str
    description: str

    def export(
        self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard"
    ) -> ExportSummary: ...


def accepts_clearance(exporter: Exporter) -> bool:
    """Whether the exporter's `export` takes the `clearance` keyword (so it can redact)."""
    try:
        parameters = inspect.signature(exporter.export).parameters.values()
    except (TypeError, ValueError):  # a callable inspect cannot read: treat as the old contract
        return False
    return any(
        (p.name == "clearance" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
        or p.kind is p.VAR_KEYWORD
        for p in parameters
    )


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A finished export: each file with its SHA-256, the counts, and the audit row recording it."""

    files: tuple[tuple[Path, str], ...]
    counts: tuple[tuple[str, int], ...]
    audit_seq: int


class RegistryError(Exception):
    """A registered exporter is broken (not an exporter, or two share a name): a packaging bug."""


def _builtin_exporters() -> dict[str, Callable[[], Exporter]]:
    from darkroom.reports.exporters.ftm import FtmExporter  # noqa: PLC0415 - cycle: they import base
    from darkroom.reports.exporters.network import CsvExporter, GexfExporter, GraphmlExporter  # noqa: PLC0415
    from darkroom.reports.exporters.vics import VicsExporter  # noqa: PLC0415

    return {
        "csv": CsvExporter,
        "ftm": FtmExporter,
        "gexf": GexfExporter,
        "graphml": GraphmlExporter,
        "vics": VicsExporter,
    }


def load_exporters() -> dict[str, Exporter]:
    """Every registered exporter by name (entry points first, then built-ins not registered yet)."""
    exporters: dict[str, Exporter] = load_plugins(
        entry_points(group=ENTRY_POINT_GROUP), Exporter, "exporter", RegistryError
    )
    for name, factory in _builtin_exporters().items():
        exporters.setdefault(name, factory())
    return dict(sorted(exporters.items()))


def exporter_named(name: str) -> Exporter:
    """The exporter `--format NAME` asks for, or a clear error naming the ones there are."""
    exporters = load_exporters()
    exporter = exporters.get(name.strip().lower())
    if exporter is None:
        msg = f"unknown export format {name!r}; use one of {', '.join(exporters)}"
        raise InvalidInput(msg)
    return exporter


def run_export(
    store: CaseStore, name: str, out_path: Path, actor: str, clearance: Clearance = "standard"
) -> ExportResult:
    """Run one exporter at a clearance and record the export (`export.NAME`) with the clearance and
    each file's SHA-256; an exporter that cannot redact is refused without clearance."""
    exporter = exporter_named(name)
    clearance = clearance_of(clearance)  # a caller's former "none" is standard
    redacts = accepts_clearance(exporter)
    if not redacts and clearance != "restricted":
        msg = (
            f"the {exporter.name} exporter cannot redact restricted records (its export() takes no "
            "clearance); run it with --clearance restricted, or have it accept the clearance keyword"
        )
        raise ExportUnavailable(msg)
    if not out_path.parent.is_dir():
        msg = f"cannot write {out_path}: the folder {out_path.parent} does not exist"
        raise InvalidInput(msg)
    if redacts:
        summary = cast("RedactingExporter", exporter).export(store, out_path, clearance=clearance)
    else:
        summary = exporter.export(store, out_path)
    files = tuple((path, sha256_of_file(path)) for path in summary.written)
    details = {
        "format": exporter.name,
        "clearance": clearance,
        "files": [{"path": str(path), "sha256": sha256_hex} for path, sha256_hex in files],
        "counts": dict(summary.counts),
    }
    if len(files) == 1:
        details["sha256"] = files[0][1]
    seq = record_output(store, actor, f"export.{exporter.name}", "case", out_path, details)
    return ExportResult(files, summary.counts, seq)
