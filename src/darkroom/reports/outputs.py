"""Writing reports and exports: atomically (a reader never sees half a file), and each recorded
in the audit chain with the SHA-256 of the bytes written, so a copy handed over can be checked."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.reports.i18n import Language
from darkroom.reports.package import PackageRequest, build_package
from darkroom.reports.render import OutputFormat, render_html, render_pdf
from darkroom.store import CaseStore


@dataclass(frozen=True, slots=True)
class ReportResult:
    """A written package: where, its SHA-256, the chain head it reflects and its audit row."""

    out_path: Path
    sha256_hex: str
    chain_head_seq: int
    chain_head_hash: str
    cited_files: int
    audit_seq: int


def partial_path(out_path: Path) -> Path:
    """The name a file is written under until it is complete."""
    return out_path.with_name(out_path.name + ".partial")


def write_atomically(out_path: Path, content: bytes) -> str:
    """Write `content` to `<out>.partial`, fsync, rename into place; returns its SHA-256."""
    partial = partial_path(out_path)
    try:
        with partial.open("wb") as target:
            target.write(content)
            target.flush()
            os.fsync(target.fileno())
        partial.replace(out_path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        msg = f"cannot write {out_path}: {err.strerror or err}"
        raise InvalidInput(msg) from err
    return hashlib.sha256(content).hexdigest()


def record_output(
    store: CaseStore, actor: str, action: str, object_ref: str, out_path: Path, details: dict[str, Any]
) -> int:
    """Append the output's audit row (path and SHA-256 among the details); returns its sequence number."""
    with store.write() as conn:
        entry = audit.append(conn, actor, action, object_ref, {"path": str(out_path), **details})
    return entry.seq


def write_report(
    store: CaseStore,
    request: PackageRequest,
    out_path: Path,
    output_format: OutputFormat,
    language: Language,
    actor: str,
) -> ReportResult:
    """Gather, render and write one package, then record it (`report.package`) in the audit chain."""
    package = build_package(store, request)
    if output_format == "pdf":
        content = render_pdf(package, language)
    else:
        content = render_html(package, language).encode("utf-8")
    sha256_hex = write_atomically(out_path, content)
    details = {
        "sha256": sha256_hex,
        "format": output_format,
        "language": language,
        "clearance": request.clearance,
        "chain_head_seq": package.chain_head.seq,
        "chain_head": package.chain_head.row_hash,
        "excerpts": len(package.excerpts),
        "cited_files": len(package.appendix),
        "chosen_messages": list(request.message_ids),
        "own_exhibits": list(request.own_exhibits),
    }
    seq = record_output(store, actor, "report.package", f"person:{request.person_id}", out_path, details)
    return ReportResult(
        out_path, sha256_hex, package.chain_head.seq, package.chain_head.row_hash, len(package.appendix), seq
    )
