"""Hash-set files in the real layouts, generated: digests of counters, benign labels, no real data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

V1_CONTEXT = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"
V2_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{model}/$metadata#{kind}"
# The RDSv3 tables beside FILE, with one row each (the columns NIST's schema has).
SIDE_TABLES = {
    "PKG": (
        "CREATE TABLE PKG (package_id INTEGER, name VARCHAR, version VARCHAR, operating_system_id INTEGER, "
        "manufacturer_id INTEGER, language VARCHAR, application_type VARCHAR)",
        "INSERT INTO PKG VALUES (0, 'Example Suite', '1.0', 1, 1, 'English', 'Utility')",
    ),
    "MFG": (
        "CREATE TABLE MFG (manufacturer_id INTEGER, name VARCHAR)",
        "INSERT INTO MFG VALUES (1, 'Example Software Ltd')",
    ),
    "OS": (
        "CREATE TABLE OS (operating_system_id INTEGER, name VARCHAR, version VARCHAR, "
        "manufacturer_id INTEGER)",
        "INSERT INTO OS VALUES (1, 'ExampleOS', '2', 1)",
    ),
    "VERSION": (
        "CREATE TABLE VERSION (version VARCHAR, build_set VARCHAR, build_date TIMESTAMP, "
        "release_date TIMESTAMP, description VARCHAR)",
        "INSERT INTO VERSION VALUES ('2026.03.1', 'modern', '2026-03-01', '2026-03-15', 'test build')",
    ),
}
NSRL_V2_HEADER = '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"'


@dataclass(frozen=True)
class Digests:
    md5: str
    sha1: str
    sha256: str
    pdq: str


def digests(n: int) -> Digests:
    """Lower-case digests of the text of a counter (PDQ: 64 hex digits derived the same way)."""
    data = f"item-{n}".encode()
    return Digests(
        hashlib.md5(data).hexdigest(),
        hashlib.sha1(data).hexdigest(),
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(b"pdq" + data).hexdigest(),
    )


def vics_media(n: int, *, string_booleans: bool = False, category: Any = 1) -> dict[str, Any]:
    """A Media object as VICS writers produce it (upper-case hex, booleans as JSON or as text)."""
    d = digests(n)

    def flag(value: bool) -> Any:
        return ("True" if value else "FALSE") if string_booleans else value

    return {
        "MediaID": n,
        "Category": category,
        "MD5": d.md5.upper(),
        "SHA1": d.sha1.upper(),
        "VictimIdentified": flag(n % 2 == 0),
        "OffenderIdentified": flag(False),
        "IsDistributed": flag(True),
        "Series": f"Series {n % 3}",
        "Tags": "placeholder",
        "MediaSize": 1000 + n,
        "AlternativeHashes": [{"HashName": "SHA256", "HashValue": d.sha256}],
        "MediaFiles": [
            {"MD5": d.md5, "FileName": f"shape_{n}.png", "FilePath": f"Pictures/set/shape_{n}.png"}
        ],
    }


def vics_document(
    media: Sequence[Any],
    *,
    version: str = "2.0",
    model: str = "Default",
    cases: Sequence[Sequence[Any]] | None = None,
    context_last: bool = False,
) -> dict[str, Any]:
    """A VICS document: a hash list (`value` = media) or, with `cases`, a #Cases file."""
    if version.startswith("1"):
        context_key, context = "odata.metadata", V1_CONTEXT.replace("1.3", version)
    else:
        kind = "Cases" if cases is not None else "Media"
        context_key, context = "@odata.context", V2_CONTEXT.format(model=model, kind=kind)
    if cases is not None:
        value: list[Any] = [
            {"CaseID": f"CASE-{index}", "CaseNumber": f"2026/{index}", "Media": list(items)}
            for index, items in enumerate(cases)
        ]
    else:
        value = list(media)
    if context_last:
        return {"odata.count": len(value), "value": value, context_key: context}
    return {context_key: context, "value": value}


def write_json(path: Path, document: Any, *, bom: bool = False, indent: int | None = None) -> Path:
    text = json.dumps(document, indent=indent)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())
    return path


def write_rdsv2(path: Path, numbers: Iterable[int], *, repeat_each: int = 1) -> Path:
    """NSRLFile.txt: upper-case hex, every file listed once per product (consecutive repeats)."""
    lines = [NSRL_V2_HEADER]
    for n in numbers:
        d = digests(n)
        for product in range(repeat_each):
            hashes = f'"{d.sha1.upper()}","{d.md5.upper()}","0A1B2C3D"'
            lines.append(f'{hashes},"setup_{n}.dll",{4096 + n},{100 + product},"358",""')
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_rdsv3(
    path: Path, numbers: Iterable[int], *, repeat_each: int = 1, tables: Sequence[str] | None = None
) -> Path:
    """An RDSv3-shaped SQLite database: FILE, PKG, MFG, OS, VERSION (or only `tables`)."""
    wanted = set(tables or ("FILE", "PKG", "MFG", "OS", "VERSION"))
    with closing(sqlite3.connect(path)) as db:
        if "FILE" in wanted:
            db.execute(
                "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, "
                "crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, "
                "package_id INTEGER NOT NULL)"
            )
            rows = []
            for n in numbers:
                d = digests(n)
                for package in range(repeat_each):
                    rows.append(
                        (
                            d.sha256.upper(),
                            d.sha1.upper(),
                            d.md5.upper(),
                            "0A1B2C3D",
                            f"lib_{n}.so",
                            4096 + n,
                            package,
                        )
                    )
            db.executemany("INSERT INTO FILE VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        for table, (create, insert) in SIDE_TABLES.items():
            if table in wanted:
                db.execute(create)
                db.execute(insert)
        db.commit()
    return path
