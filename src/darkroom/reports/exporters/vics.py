"""VICS 2.0 for hash sharing: the case's categorised media (examiners' decisions and hash-set
categories; known-good left out), chosen and written by the media package (`media.review`). VICS
carries hashes, categories and where each file was found; without clearance a path segment naming a
restricted record is masked (`redaction`), the hashes stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from darkroom.clearance import Clearance
from darkroom.media.hashsets.vics_export import VicsCaseMeta, VicsFile, VicsItem, write_vics_v2
from darkroom.media.review import vics_items
from darkroom.reports.exporters.base import ExportSummary
from darkroom.reports.exporters.redaction import Restricted, load_restricted
from darkroom.store import CaseStore


def _masked(item: VicsItem, restricted: Restricted) -> VicsItem:
    files = tuple(
        VicsFile(restricted.path(f.file_name), None if f.file_path is None else restricted.path(f.file_path))
        for f in item.files
    )
    return item if files == item.files else replace(item, files=files)


class VicsExporter:
    """Categorised media as a VICS 2.0 case file (Project VIC tools, Griffeye, darkroom itself)."""

    name = "vics"
    description = "categorised media as a VICS 2.0 case file for hash sharing (known-good left out)"

    def export(self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard") -> ExportSummary:
        info = store.info()
        with store.read() as conn:
            restricted = load_restricted(conn, clearance)
            items = [_masked(item, restricted) for item in vics_items(conn)]
        write_vics_v2(out_path, items, VicsCaseMeta(case_id=info.case_id, case_number=info.name))
        return ExportSummary((out_path,), (("media", len(items)),))
