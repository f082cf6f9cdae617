"""Export of a case's categorised media as a VICS 2.0 `#Cases` document, for sharing with Project VIC tools.

    {"@odata.context": ".../DataModels/2.0.xml/Default/$metadata#Cases",
     "value": [{"CaseID": …, "CaseNumber": …, "SourceApplicationName": "darkroom", …,
                "Media": [{"MediaID": 1, "Category": 1, "MD5": …, "SHA1": …, "MediaSize": …,
                           "AlternativeHashes": [{"HashName": "SHA256", "HashValue": …}],
                           "MediaFiles": […]}]}]}

Written one Media object at a time (flat memory) to `<out>.partial`, then renamed into place, so a
reader never sees half a file; the SHA-256 of the file written is returned for the audit log.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from darkroom import __version__
from darkroom.errors import InvalidInput
from darkroom.hashfile import sha256_of_file
from darkroom.media.hashsets.base import clean_digest

VICS_V2_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{model}/$metadata#Cases"
HASH_LIST_KEY = "AlternativeHashes"


@dataclass(frozen=True, slots=True)
class VicsFile:
    """One place a media item was found: its file name and path as the exhibit holds them."""

    file_name: str
    file_path: str | None = None


@dataclass(frozen=True, slots=True)
class VicsItem:
    """One distinct media item to export: hashes, the VICS category code and where it was found."""

    md5: str
    sha1: str
    category: int | str
    sha256: str | None = None
    pdq: bytes | None = None
    series: str | None = None
    size: int | None = None
    files: tuple[VicsFile, ...] = ()
    victim_identified: bool | None = None


@dataclass(frozen=True, slots=True)
class VicsCaseMeta:
    """The case the export describes; `model` picks the data model (UK for CAID's A/B/C grades)."""

    case_id: str
    case_number: str | None = None
    model: Literal["Default", "US", "UK"] = "Default"


def _media_object(media_id: int, item: VicsItem) -> dict[str, Any]:
    """The VICS Media object of an item; digests are checked so a bad one fails the export early."""
    try:
        md5 = clean_digest(item.md5, "md5")
        sha1 = clean_digest(item.sha1, "sha1")
        sha256 = clean_digest(item.sha256, "sha256")
        if md5 is None or sha1 is None:
            raise ValueError("MD5 and SHA1 are required")
    except ValueError as err:
        msg = f"media item {media_id} cannot be exported: {err}"
        raise InvalidInput(msg) from err
    media: dict[str, Any] = {"MediaID": media_id, "Category": item.category, "MD5": md5, "SHA1": sha1}
    if item.size is not None:
        media["MediaSize"] = item.size
    if item.series:
        media["Series"] = item.series
    if item.victim_identified is not None:
        media["VictimIdentified"] = item.victim_identified
    alternative = []
    if sha256:
        alternative.append({"HashName": "SHA256", "HashValue": sha256})
    if item.pdq is not None:
        alternative.append({"HashName": "PDQ", "HashValue": item.pdq.hex()})
    if alternative:
        media[HASH_LIST_KEY] = alternative
    if item.files:
        media["MediaFiles"] = [
            {"MD5": md5, "FileName": found.file_name, "FilePath": found.file_path} for found in item.files
        ]
    return media


def write_vics_v2(out_path: Path, items: Iterable[VicsItem], case_meta: VicsCaseMeta) -> str:
    """Stream a VICS 2.0 Cases document to `out_path`; returns the SHA-256 of the file written."""
    case: dict[str, Any] = {"CaseID": case_meta.case_id}
    if case_meta.case_number:
        case["CaseNumber"] = case_meta.case_number
    case["SourceApplicationName"] = "darkroom"
    case["SourceApplicationVersion"] = __version__
    opening = json.dumps(
        {"@odata.context": VICS_V2_CONTEXT.format(model=case_meta.model), "value": [case]},
        ensure_ascii=False,
    )
    # Open the case object again to append its Media array: everything but the closing "}]}".
    head = opening[: -len("}]}")] + ', "Media": [\n'
    partial = out_path.with_name(out_path.name + ".partial")

    def write(chunk: str) -> None:
        target.write(chunk.encode("utf-8"))

    try:
        with partial.open("wb") as target:
            write(head)
            for media_id, item in enumerate(items, 1):
                separator = "" if media_id == 1 else ",\n"
                write(separator + json.dumps(_media_object(media_id, item), ensure_ascii=False))
            write("\n]}]}\n")
            target.flush()
            os.fsync(target.fileno())
        partial.replace(out_path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        msg = f"cannot write {out_path}: {err.strerror or err}"
        raise InvalidInput(msg) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return sha256_of_file(out_path)
