"""VICS 2.0 for hash sharing: the case's categorised media (examiners' decisions and hash-set
categories; known-good left out), chosen and written by the media package (`media.review`)."""

from __future__ import annotations

from pathlib import Path

from darkroom.media.hashsets.vics_export import VicsCaseMeta, write_vics_v2
from darkroom.media.review import vics_items
from darkroom.reports.exporters.base import ExportSummary
from darkroom.store import CaseStore


class VicsExporter:
    """Categorised media as a VICS 2.0 case file (Project VIC tools, Griffeye, darkroom itself)."""

    name = "vics"
    description = "categorised media as a VICS 2.0 case file for hash sharing (known-good left out)"

    def export(self, store: CaseStore, out_path: Path) -> ExportSummary:
        info = store.info()
        with store.read() as conn:
            items = vics_items(conn)
        write_vics_v2(out_path, items, VicsCaseMeta(case_id=info.case_id, case_number=info.name))
        return ExportSummary((out_path,), (("media", len(items)),))
