"""The web app under 25 concurrent users on loopback: p50/p95 latency per page.

The case: `--case DIR` (copied first; the copy is what the server opens and audits into), else the
dark-room case at /tmp/dr4/case when /tmp/dr4/ANALYSED exists, else /tmp/dr3/case (copied), else a
generated `medium` case (built once into bench/out/web/, reused). The server runs as its own
process (uvicorn, `--workers` processes, as `darkroom serve` runs it); 25 simulated users (httpx,
asyncio) log in, then each walks a mix of pages — dashboard, conversations list, a conversation (a
random page of it), search, media grid, a media item, evidence, audit log, and, when identity and
the network ran, persons, a person (a best-connected suspect half the time), leads, a lead, the
network view and its neighbourhood API — for `--rounds` rounds. Every conversation, person and
media view is appended to the case's audit chain, as in real use. With triage run, the queue and
the alerts are in the mix too. Latency is measured per request
at the client. The issue's goal: p95 < 300 ms per page on the 2-core machine.

Run: `.venv/bin/python bench/web.py [--case DIR] [--users 25] [--rounds 20] [--json]`, or `--quick`
(a small demo case, 5 rounds). Exit code 0 whatever the figures; 1 when a step fails outright.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

OUT = Path(__file__).resolve().parent / "out" / "web"
# The processed dark-room cases of the last sessions: dr4 has identity, network and triage.
DARK_ROOMS = ((Path("/tmp/dr4"), "ANALYSED"), (Path("/tmp/dr3"), "READY"))
PASSWORD = "bench passphrase 2026"
GOAL_P95_S = 0.300


def _run_darkroom(*args: str | Path) -> None:
    from darkroom.cli.app import run  # noqa: PLC0415

    code = run([str(a) for a in args])
    if code != 0:
        raise SystemExit(f"darkroom {' '.join(map(str, args))} failed ({code})")


def build_generated(scale: str) -> Path:
    """A processed synthetic case (evidence registered, parsed, media analysed and matched)."""
    target = OUT / f"{scale}-source"
    case = target / "case"
    if (target / "READY").exists():
        return case
    shutil.rmtree(target, ignore_errors=True)
    if scale == "small":
        _run_darkroom("demo", "--out", target, "--no-serve")
        (target / "READY").write_text("ok\n")
        return case
    evidence = target / "evidence"
    _run_darkroom("synth", evidence, "--scale", scale, "--seed", "1")
    truth = json.loads((evidence / "truth.json").read_text(encoding="utf-8"))
    _run_darkroom(
        "case", "init", "--case", case, "--name", truth["case"]["name"], "--region", truth["case"]["region"]
    )
    for exhibit in truth["exhibits"]:
        _run_darkroom(
            "evidence", "add", evidence / exhibit["path"], "--case", case, "--exhibit", exhibit["ref"],
            "--seized-from", exhibit["seized_from"], "--seized-at", exhibit["seized_at"][:16],
            "--seized-by", exhibit["seized_by"],
        )  # fmt: skip
    _run_darkroom("process", "--case", case)
    for hashset in truth.get("hashsets", []):
        extra = ["--scheme", "vics"] if hashset["format"] == "csv" else []
        _run_darkroom(
            "hashset",
            "import",
            evidence / hashset["path"],
            "--format",
            hashset["format"],
            "--case",
            case,
            *extra,
        )
    _run_darkroom("analyse", "--case", case)
    (target / "READY").write_text("ok\n")
    return case


def prepare_case(args: argparse.Namespace) -> Path:
    """Copy the chosen case into bench/out/web/served/ (the server writes audit rows into it)."""
    if args.case:
        source = Path(args.case)
    elif args.quick:
        source = build_generated("small")
    else:
        ready = [folder / "case" for folder, flag in DARK_ROOMS if (folder / flag).exists()]
        source = ready[0] if ready else build_generated("medium")
    served = OUT / "served"
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir(parents=True)
    print(f"copying {source} …", file=sys.stderr)
    shutil.copytree(source, served / "case", ignore=shutil.ignore_patterns("working", "spool", "index"))
    return served / "case"


def make_users(case: Path, count: int) -> tuple[str, list[str]]:
    """`count` investigators with membership (cleared), in the server db beside the copy."""
    from darkroom.store import CaseStore  # noqa: PLC0415
    from darkroom.web.serverdb import open_server_db  # noqa: PLC0415

    store = CaseStore.open(case)  # applies the workspace migration to an older case
    info = store.info()
    store.close()
    db = open_server_db(case.parent / "darkroom-server.db")
    names = [f"user{i:02d}" for i in range(count)]
    for name in names:
        db.add_user(name, "lead", PASSWORD)
        db.add_member(name, info.case_id, info.name, "restricted", "bench")
    return info.case_id, names


def sample_ids(case: Path) -> dict[str, list[Any]]:
    """What the simulated users open: conversations (with their page counts), media, search words."""
    with sqlite3.connect(f"file:{case / 'case.db'}?mode=ro", uri=True) as db:
        conversations = db.execute(
            "SELECT c.id, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) "
            "FROM conversations c ORDER BY random() LIMIT 400"
        ).fetchall()
        media = [
            r[0]
            for r in db.execute("SELECT file_id FROM media WHERE status = 'done' ORDER BY random() LIMIT 400")
        ]
        bodies = [
            r[0]
            for r in db.execute("SELECT body FROM messages WHERE kind = 'text' ORDER BY random() LIMIT 300")
        ]
        media_count = db.execute("SELECT COUNT(*) FROM media").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        persons = [r[0] for r in db.execute(
            "SELECT id FROM persons WHERE retired_at_utc IS NULL ORDER BY random() LIMIT 200"
        )] if "person_contacts" in tables else []  # fmt: skip
        built = "network_builds" in tables and db.execute("SELECT 1 FROM network_builds").fetchone()
        # Investigators open the best-connected suspects far more often than anyone else.
        suspects = [r[0] for r in db.execute(
            "SELECT person_id FROM network_nodes WHERE person_id IS NOT NULL "
            "ORDER BY weighted_degree DESC LIMIT 40"
        )] if built else []  # fmt: skip
        nodes = [r[0] for r in db.execute(
            "SELECT node_key FROM network_nodes ORDER BY weighted_degree DESC LIMIT 200"
        )] if built else []  # fmt: skip
        leads = [r[0] for r in db.execute("SELECT id FROM leads ORDER BY rank LIMIT 200")] if built else []
        triaged = "triage_runs" in tables and db.execute("SELECT 1 FROM triage_runs").fetchone() is not None
        person_pages = max(1, len(persons) // 50)
    words = sorted({w.lower() for body in bodies for w in re.findall(r"[A-Za-z]{5,}", body)})
    return {
        "conversations": [(cid, max(1, -(-count // 100))) for cid, count in conversations],
        "media": media,
        "words": words or ["hello"],
        "media_pages": [max(1, media_count // 48)],
        "persons": persons,
        "suspects": suspects,
        "nodes": nodes,
        "leads": leads,
        "person_pages": [person_pages],
        "triaged": [triaged],
    }


def start_server(case: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """uvicorn as `darkroom serve --workers N` runs it (access log off: the bench measures the app)."""
    code = (
        "import uvicorn; "
        "uvicorn.run('darkroom.web.app:app_from_environment', factory=True, host='127.0.0.1', "
        f"port={port}, workers={workers}, log_level='warning', access_log=False)"
    )
    env = {**os.environ, "DARKROOM_SERVE_CASE": str(case)}
    server = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("the server exited at start") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 120 s")


async def log_in(client: httpx.AsyncClient, name: str) -> None:
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if token is None:
        raise SystemExit("no login form")
    answer = await client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    if answer.status_code != 303:
        raise SystemExit(f"login of {name} failed: {answer.status_code}")


def page_mix(case_id: str, ids: dict[str, list[Any]], rng: random.Random) -> list[tuple[str, str]]:
    """One round of a user's work: (page name, URL)."""
    base = f"/cases/{case_id}"
    conv, pages = rng.choice(ids["conversations"]) if ids["conversations"] else (1, 1)
    mix = [
        ("dashboard", base),
        ("conversations", f"{base}/conversations?page={rng.randint(1, 20)}"),
        ("conversation", f"{base}/conversations/{conv}?page={rng.randint(1, pages)}"),
        ("search", f"{base}/search?q={rng.choice(ids['words'])}"),
        (
            "media grid",
            f"{base}/media?show=all&page={rng.randint(1, max(1, min(50, ids['media_pages'][0])))}",
        ),
        ("evidence", f"{base}/evidence"),
        ("audit", f"{base}/audit"),
    ]
    if ids["media"]:
        mix.append(("media item", f"{base}/media/{rng.choice(ids['media'])}"))
    mix.extend(phase_two_pages(base, ids, rng))
    rng.shuffle(mix)
    return mix


def phase_two_pages(base: str, ids: dict[str, list[Any]], rng: random.Random) -> list[tuple[str, str]]:
    """Triage queue, alerts, persons, a person (a top suspect half the time), leads, a lead, the
    network view and its API."""
    mix: list[tuple[str, str]] = [("persons", f"{base}/persons?page={rng.randint(1, 30)}")]
    if ids["triaged"][0]:
        mix += [("triage queue", f"{base}/triage?page={rng.randint(1, 3)}"), ("alerts", f"{base}/alerts")]
    if ids["persons"]:
        pool = ids["suspects"] if ids["suspects"] and rng.random() < 0.5 else ids["persons"]
        person = rng.choice(pool)
        mix.append(("person", f"{base}/persons/{person}"))
        if ids["triaged"][0]:  # the page loads its priority box right after itself
            mix.append(("person priority", f"{base}/persons/{person}/priority"))
    if ids["leads"]:
        mix += [
            ("leads", f"{base}/leads?page={rng.randint(1, 5)}"),
            ("lead", f"{base}/leads/{rng.choice(ids['leads'])}"),
        ]
    if ids["nodes"]:
        node = rng.choice(ids["nodes"])
        mix += [("network page", f"{base}/network?node={node}"),
                ("network api", f"/api{base}/network/neighbourhood?node={node}")]  # fmt: skip
    return mix


async def simulate(base_url: str, name: str, case_id: str, ids: dict[str, list[Any]], rounds: int, seed: int,
                   think_s: float, timings: dict[str, list[float]], errors: list[str]) -> None:  # fmt: skip
    """One user: log in, then the page mix, with a think time (0.5-1.5 x think_s) between pages."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        await log_in(client, name)
        for _ in range(rounds):
            for page, url in page_mix(case_id, ids, rng):
                started = time.perf_counter()
                answer = await client.get(url)
                timings[page].append(time.perf_counter() - started)
                if answer.status_code != 200:
                    errors.append(f"{page} {url}: {answer.status_code}")
                if think_s > 0:
                    await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def drive(
    base_url: str, names: list[str], case_id: str, ids: dict[str, list[Any]], rounds: int, think_s: float
) -> dict[str, Any]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(
            simulate(base_url, n, case_id, ids, rounds, i, think_s, timings, errors)
            for i, n in enumerate(names)
        )
    )
    wall = time.perf_counter() - started
    rows = [
        {
            "page": page,
            "requests": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
            "p95_vs_goal": round(percentile(values, 0.95) / GOAL_P95_S, 2),
        }
        for page, values in sorted(timings.items())
    ]
    total = sum(len(v) for v in timings.values())
    return {
        "pages": rows,
        "requests": total,
        "wall_s": round(wall, 1),
        "requests_per_s": round(total / wall, 1),
        "errors": errors[:20],
        "error_count": len(errors),
    }


def case_facts(case: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{case / 'case.db'}?mode=ro", uri=True) as db:
        return {
            "messages": db.execute("SELECT MAX(id) FROM messages").fetchone()[0] or 0,
            "conversations": db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0],
            "media": db.execute("SELECT COUNT(*) FROM media").fetchone()[0],
        }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--case", help="bench this case folder (copied first)")
    parser.add_argument("--users", type=int, default=25, help="concurrent simulated users (default 25)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the page mix per user (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a user reads a page before the next (0: flat out)",
    )
    parser.add_argument("--quick", action="store_true", help="a small demo case, 5 rounds")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = min(args.rounds, 5)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    case = prepare_case(args)
    case_id, names = make_users(case, args.users)
    ids = sample_ids(case)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = start_server(case, port, args.workers)
    try:
        result = asyncio.run(drive(f"http://127.0.0.1:{port}", names, case_id, ids, args.rounds, args.think))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result |= {"case": case_facts(case), "users": args.users, "rounds": args.rounds, "workers": args.workers,
               "think_s": args.think, "cores": os.cpu_count()}  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return 0
    facts = result["case"]
    counts = f"{facts['messages']:,} messages, {facts['conversations']:,} conversations"
    print(f"case: {counts}, {facts['media']:,} media")
    print(f"{args.users} users x {args.rounds} rounds, think {args.think} s, {args.workers} processes: "
          f"{result['requests']} requests in {result['wall_s']} s "
          f"({result['requests_per_s']} requests/s), {result['error_count']} errors")  # fmt: skip
    print(f"{'page':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  p95 / 300 ms goal")
    for row in result["pages"]:
        print(f"{row['page']:<14}{row['requests']:>9}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}  "
              f"{row['p95_vs_goal']:.2f}x")  # fmt: skip
    for error in result["errors"]:
        print(f"error: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
