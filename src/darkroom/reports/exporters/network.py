"""GraphML, GEXF and CSV (for Gephi, i2 and Maltego-style import): the network stage owns the graph
and its writers; these exporters hand over to it and say clearly when it is not there.

The hand-over is `darkroom.network.export.write_graph(store, out_path, format_name) -> ExportSummary`
(format_name: graphml | gexf | csv). Until the network stage provides it, the export fails with
`ExportUnavailable` naming what is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import cast

from darkroom.errors import ExportUnavailable
from darkroom.reports.exporters.base import ExportSummary
from darkroom.store import CaseStore

NETWORK_HOOK = ("darkroom.network.export", "write_graph")

GraphWriter = Callable[[CaseStore, Path, str], ExportSummary]


def _graph_writer() -> GraphWriter:
    module_name, function_name = NETWORK_HOOK
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        msg = (
            f"this export needs the network stage's graph writer ({module_name}.{function_name}), "
            "which this darkroom does not have yet; `--format ftm` and `--format vics` work now"
        )
        raise ExportUnavailable(msg) from err
    writer = getattr(module, function_name, None)
    if writer is None:
        msg = f"{module_name} has no {function_name}; the network stage cannot export graphs in this darkroom"
        raise ExportUnavailable(msg)
    return cast("GraphWriter", writer)


class _NetworkExporter:
    name = ""
    description = ""

    def export(self, store: CaseStore, out_path: Path) -> ExportSummary:
        return _graph_writer()(store, out_path, self.name)


class GraphmlExporter(_NetworkExporter):
    """The person/account graph as GraphML (Gephi, yEd, networkx)."""

    name = "graphml"
    description = "the network graph as GraphML (Gephi, yEd, networkx), from the network stage"


class GexfExporter(_NetworkExporter):
    """The person/account graph as GEXF (Gephi)."""

    name = "gexf"
    description = "the network graph as GEXF (Gephi), from the network stage"


class CsvExporter(_NetworkExporter):
    """Nodes and edges as CSV files (spreadsheets, i2, Maltego-style import)."""

    name = "csv"
    description = "nodes and edges as CSV (spreadsheets, i2, Maltego-style import), from the network stage"
