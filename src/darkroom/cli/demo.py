"""`darkroom demo`: generate a small synthetic case, register every exhibit, summarise."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import text

from darkroom.cli.common import actor_name, err, out
from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.model import SeizureFacts
from darkroom.store import CaseStore
from darkroom.timeutil import from_iso

DEMO_MARKER = ".darkroom-demo"
DEMO_USER = "demo"
DEMO_PORT = 8000


def _interactive() -> bool:
    """Serve only for a person at a terminal: never in CI or a script (it would never return)."""
    return sys.stdin.isatty() and not os.environ.get("CI")


def _serve_demo(case_dir: Path) -> None:
    """A demo user (a lead, cleared for restricted records) with a fresh random password, then serve."""
    from darkroom.cli import web as web_cli  # noqa: PLC0415 - FastAPI only when serving
    from darkroom.web.cases import ServedCases  # noqa: PLC0415
    from darkroom.web.serverdb import open_server_db  # noqa: PLC0415

    served = ServedCases.for_case(case_dir)
    server_db = open_server_db(served.server_db_path)
    password = secrets.token_urlsafe(12)
    server_db.add_user(DEMO_USER, "lead", password)
    store = CaseStore.open(case_dir)
    try:
        info = store.info()
        server_db.add_member(DEMO_USER, info.case_id, info.name, "restricted", "darkroom demo")
    finally:
        store.close()
    out().print(
        f"web workspace: http://127.0.0.1:{DEMO_PORT}/ — log in as {DEMO_USER} with password {password} "
        "(demo only; Ctrl-C stops the server)"
    )
    web_cli.run_server(served, "127.0.0.1", DEMO_PORT)


def _fresh_out_dir(out_dir: Path) -> None:
    """Replace an earlier demo folder; refuse to touch any other non-empty folder."""
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / DEMO_MARKER).exists():
            msg = f"{out_dir} is not empty and is not an earlier demo folder; choose another --out"
            raise InvalidInput(msg)
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / DEMO_MARKER).write_text("made by `darkroom demo`; safe to delete\n", encoding="utf-8")


def _register_exhibits(store: CaseStore, evidence_dir: Path, truth: dict[str, Any], actor: str) -> None:
    from darkroom.evidence.intake import add_exhibit  # noqa: PLC0415 - keeps start-up fast

    for exhibit in truth["exhibits"]:
        facts = SeizureFacts(
            seized_from=exhibit["seized_from"],
            seized_at=from_iso(exhibit["seized_at"]),
            seized_by=exhibit["seized_by"],
            description=exhibit.get("description"),
            timezone=exhibit.get("timezone"),
        )
        err().print(f"registering {exhibit['ref']} …")
        add_exhibit(store, evidence_dir / exhibit["path"], exhibit["ref"], facts, actor)


def _import_hashsets(store: CaseStore, evidence_dir: Path, truth: dict[str, Any], actor: str) -> None:
    """The known hash sets the generator wrote beside the evidence (its CSV uses VICS codes)."""
    from darkroom.media.hashsets.importer import import_hashset  # noqa: PLC0415

    for hashset in truth.get("hashsets", []):
        path = evidence_dir / hashset["path"]
        err().print(f"importing hash set {hashset['path']} …")
        scheme = "vics" if hashset["format"] == "csv" else None
        import_hashset(store, path, hashset["format"], path.stem, actor, scheme=scheme)


_SUMMARY_SQL = text(
    "SELECT e.ref, e.file_count, e.total_bytes, "
    "(SELECT COUNT(*) FROM files f WHERE f.exhibit_id = e.id AND f.read_error IS NOT NULL) AS unreadable, "
    "(SELECT COUNT(DISTINCT f.sha256) FROM files f WHERE f.exhibit_id = e.id AND EXISTS "
    " (SELECT 1 FROM files g WHERE g.sha256 = f.sha256 AND g.exhibit_id != e.id)) AS shared "
    "FROM exhibits e ORDER BY e.id"
)


def _summary(store: CaseStore, truth: dict[str, Any]) -> Table:
    """Per exhibit: files, size, unreadable files, distinct files also found on another exhibit."""
    kinds = {exhibit["ref"]: exhibit.get("kind", "") for exhibit in truth["exhibits"]}
    table = Table("exhibit", "kind", "files", "MB", "unreadable", "shared with others")
    with store.read() as conn:
        for row in conn.execute(_SUMMARY_SQL):
            table.add_row(
                row.ref,
                kinds.get(row.ref, ""),
                str(row.file_count),
                f"{row.total_bytes / 1e6:.1f}",
                str(row.unreadable),
                str(row.shared),
            )
    return table


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo evidence and case go.")] = Path(
        "darkroom-demo"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Synthetic case seed.")] = 1,
    no_serve: Annotated[
        bool,
        typer.Option(
            "--no-serve",
            help="Do not start the web app afterwards (never started without a terminal or in CI).",
        ),
    ] = False,
) -> None:
    """Generate a small synthetic case, register every exhibit, parse, run every analysis stage
    (persons, media against the generated hash sets, network and leads, triage), print a summary;
    then serve it to a demo user (at a terminal only)."""
    actor = actor_name(None)
    out_dir = out_dir.expanduser().resolve()
    _fresh_out_dir(out_dir)
    evidence_dir = out_dir / "evidence"
    err().print(f"generating a small synthetic case (seed {seed}) in {evidence_dir} …")
    from darkroom.cli.analyse import run_media_analysis  # noqa: PLC0415
    from darkroom.cli.identity import run_identity_stage  # noqa: PLC0415
    from darkroom.cli.network import run_network_stage  # noqa: PLC0415
    from darkroom.cli.triage import run_triage_stage  # noqa: PLC0415
    from darkroom.formats.runner import process_case  # noqa: PLC0415 - keeps other commands' start-up fast
    from darkroom.media.stage import run_media_stage  # noqa: PLC0415
    from darkroom.synth import generate  # noqa: PLC0415

    generate(evidence_dir, "small", seed)
    truth = json.loads((evidence_dir / "truth.json").read_text(encoding="utf-8"))
    case_dir = out_dir / "case"
    store = CaseStore.create(
        case_dir, truth["case"]["name"], truth["case"]["region"], truth["case"]["timezone"]
    )
    try:
        info = store.info()
        with store.write() as conn:
            details = {"name": info.name, "region": info.region, "timezone": info.timezone, "demo": True}
            audit.append(conn, actor, "case.init", f"case:{info.case_id}", details)
        _register_exhibits(store, evidence_dir, truth, actor)
        err().print("parsing every registered file …")
        coverage = process_case(store, actor)
        err().print("analysing every picture and video …")
        run_media_stage(store, actor)
        _import_hashsets(store, evidence_dir, truth, actor)
        err().print("resolving persons …")
        run_identity_stage(store, actor)
        err().print("matching media against the hash sets, series, who sent what …")
        run_media_analysis(store, actor)
        err().print("the network and its leads, then triage …")
        run_network_stage(store, actor)
        run_triage_stage(store, actor)
        report = audit.verify_chain(store)
        console = out()
        console.print(_summary(store, truth))
        console.print(
            "parse coverage: "
            + ", ".join(f"{count} {status}" for status, count in coverage.by_status.items())
            + " — by format: "
            + ", ".join(f"{name} {count}" for name, count in coverage.by_format.items())
        )
        console.print(
            f"audit chain: {'intact' if report.ok else 'BROKEN'}, {report.row_count} rows, "
            f"head {report.head_hash}"
        )
        console.print(
            f"try: darkroom evidence list --case {case_dir}\n"
            f"     darkroom files --status unsupported --case {case_dir}\n"
            f"     darkroom search 'match' --case {case_dir}\n"
            f"     darkroom media series --case {case_dir}\n"
            f"     darkroom media list --unknown --case {case_dir}\n"
            f"     darkroom persons --case {case_dir}\n"
            f"     darkroom leads --case {case_dir}\n"
            f"     darkroom triage --case {case_dir}\n"
            f"     darkroom alerts --case {case_dir}\n"
            f"     darkroom evidence verify --case {case_dir}\n"
            f"     darkroom audit log --case {case_dir}"
        )
        console.print(f"case folder: {case_dir}")
    finally:
        store.close()
    if no_serve:
        return
    if not _interactive():
        err().print(f"not serving (no terminal, or CI): `darkroom serve --case {case_dir}` serves the case")
        return
    _serve_demo(case_dir)
