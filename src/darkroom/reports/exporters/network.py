"""GraphML, GEXF and CSV (for Gephi, i2 and Maltego-style import): the network stage owns the graph
and its writers (`darkroom.network.export`, which redacts restricted nodes without clearance: they
keep their place and edges under an opaque key); `darkroom export` (and its alias `darkroom network
export`) records the files it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from darkroom.clearance import Clearance
from darkroom.errors import ExportUnavailable, InvalidInput
from darkroom.reports.exporters.base import ExportSummary
from darkroom.store import CaseStore

if TYPE_CHECKING:
    from darkroom.network.export import ExportFormat


def _write_graph(store: CaseStore, out_path: Path, fmt: ExportFormat, clearance: Clearance) -> ExportSummary:
    from darkroom.network.export import write_network  # noqa: PLC0415 - networkx only when exporting

    try:
        written = write_network(store, fmt, out_path, clearance=clearance)
    except InvalidInput as err:  # no network built yet
        raise ExportUnavailable(str(err)) from err
    counts = [("nodes", written.nodes), ("edges", written.edges)]
    if written.redacted_nodes:
        counts.append(("restricted nodes redacted", written.redacted_nodes))
    return ExportSummary(written.written, tuple(counts))


class GraphmlExporter:
    """The person/account graph as GraphML (Gephi, yEd, networkx)."""

    name = "graphml"
    description = "the network graph as GraphML (Gephi, yEd, networkx), from the network stage"

    def export(self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard") -> ExportSummary:
        return _write_graph(store, out_path, "graphml", clearance)


class GexfExporter:
    """The person/account graph as GEXF (Gephi)."""

    name = "gexf"
    description = "the network graph as GEXF (Gephi), from the network stage"

    def export(self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard") -> ExportSummary:
        return _write_graph(store, out_path, "gexf", clearance)


class CsvExporter:
    """Nodes and edges as CSV files in a folder (spreadsheets, i2, Maltego-style import)."""

    name = "csv"
    description = (
        "nodes.csv + edges.csv in a folder (spreadsheets, i2, Maltego-style import), from the network stage"
    )

    def export(self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard") -> ExportSummary:
        return _write_graph(store, out_path, "csv", clearance)
