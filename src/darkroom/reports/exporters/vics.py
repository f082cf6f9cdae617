"""VICS 2.0 for hash sharing: the case's categorised media (examiners' decisions and hash-set
categories; known-good left out), written by the media package's own VICS writer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from darkroom.media.hashsets.categories import CASE_CATEGORIES, to_vics_code
from darkroom.media.hashsets.vics_export import VicsCaseMeta, VicsFile, VicsItem, write_vics_v2
from darkroom.media.queries import media_items
from darkroom.reports.exporters.base import ExportSummary
from darkroom.store import CaseStore


def _exported(item: dict[str, Any]) -> bool:
    category = item["category"]
    return bool(category) and category in CASE_CATEGORIES and category != "known-good"


def vics_items(rows: Iterator[dict[str, Any]]) -> Iterator[VicsItem]:
    """The VICS item of every categorised media row (the same rule as `darkroom media export-vics`)."""
    for item in rows:
        if not _exported(item):
            continue
        yield VicsItem(
            md5=item["md5"],
            sha1=item["sha1"],
            sha256=item["sha256"],
            category=to_vics_code(item["category"]),
            pdq=bytes.fromhex(item["pdq_hex"]) if item["pdq_hex"] else None,
            series=f"darkroom-series-{item['series_id']}" if item["series_id"] is not None else None,
            size=item["size"],
            files=(VicsFile(item["path"].rsplit("/", 1)[-1], f"{item['exhibit']}/{item['path']}"),),
        )


class VicsExporter:
    """Categorised media as a VICS 2.0 case file (Project VIC tools, Griffeye, darkroom itself)."""

    name = "vics"
    description = "categorised media as a VICS 2.0 case file for hash sharing (known-good left out)"

    def export(self, store: CaseStore, out_path: Path) -> ExportSummary:
        info = store.info()
        with store.read() as conn:
            items = list(vics_items(media_items(conn)))
        write_vics_v2(out_path, items, VicsCaseMeta(case_id=info.case_id, case_number=info.name))
        return ExportSummary((out_path,), (("media", len(items)),))
