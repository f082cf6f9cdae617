"""Parsing throughput: messages per second into the store, against whatstk on the same file.

What it measures, on generated chats of bland synthetic small talk (default 1,000,000 messages):
- WhatsApp Android `.txt` export: `darkroom process` (sniff, parse in a worker process, write
  messages + accounts + FTS index) beside `whatstk` parsing the same file into a DataFrame
  (which stores and indexes nothing) — the ratio says how far ahead darkroom is;
- Telegram Desktop `result.json` with the same messages: `darkroom process` alone;
- identifier extraction MB/s over the generated message text (when `darkroom.identifiers.extract`
  exists).

Run: `make bench` or `.venv/bin/python bench/parsing.py [--messages N] [--repeat R] [--json]`.
With `--repeat`, darkroom and whatstk run back to back R times on the WhatsApp file and the best
of each is kept (the machine is shared: timings are noisy); the load average is printed beside
each figure. Inputs and cases go to `bench/out/parsing/` (git-ignored). Exit code 0 whatever the
figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DARKROOM = str(Path(sys.executable).with_name("darkroom"))
SENDERS = ("Kari Nilsen", "Ola Berg", "+44 7700 900123", "Jonas Dahl", "Sara Lund")
PHRASES = (
    "are we still on for the match on saturday",
    "coffee at the station at nine?",
    "running late, traffic on the ring road",
    "did you see the score last night",
    "call me when you are back from work",
    "the weather looks good for the weekend",
    "can you send me the number for the garage",
    "ok see you there",
)
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def _messages(count: int, seed: int) -> list[tuple[datetime, str, str]]:
    rng = random.Random(seed)
    moment = START
    out: list[tuple[datetime, str, str]] = []
    for _ in range(count):
        moment += timedelta(seconds=rng.randint(5, 300))
        text = rng.choice(PHRASES)
        if rng.random() < 0.05:
            text += "\nand bring the spare key"
        out.append((moment, rng.choice(SENDERS), text))
    return out


def write_whatsapp(path: Path, messages: list[tuple[datetime, str, str]]) -> None:
    """Android layout `dd/mm/yyyy, HH:MM - Name: text` (local wall-clock time)."""
    with path.open("w", encoding="utf-8") as out:
        for moment, sender, text in messages:
            out.write(f"{moment:%d/%m/%Y, %H:%M} - {sender}: {text}\n")


def write_telegram(path: Path, messages: list[tuple[datetime, str, str]]) -> None:
    """A single-chat Telegram Desktop export with the same messages."""
    ids = {name: f"user{100 + n}" for n, name in enumerate(SENDERS)}
    rows = [
        {
            "id": n,
            "type": "message",
            "date": moment.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(moment.timestamp())),
            "from": sender,
            "from_id": ids[sender],
            "text": text,
        }
        for n, (moment, sender, text) in enumerate(messages, 1)
    ]
    path.write_text(json.dumps({"name": "Weekend", "type": "private_group", "id": 77, "messages": rows}))


def _load() -> float:
    """The machine's one-minute load average (2 cores: above ~0.5 others are running)."""
    return round(os.getloadavg()[0], 2)


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of several runs, with the load averages seen over all of them."""
    best = min(runs, key=lambda run: float(run["seconds"]))
    return {**best, "runs": len(runs), "loads": [run["load"] for run in runs]}


def _run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - started


def darkroom_process(work: Path, name: str, source: Path) -> dict[str, Any]:
    """Register `source` in a fresh case and time `darkroom process` on it."""
    case = work / f"case-{name}"
    shutil.rmtree(case, ignore_errors=True)
    _run([DARKROOM, "case", "init", "--case", str(case), "--name", f"bench {name}"])
    _run(
        [
            DARKROOM,
            "evidence",
            "add",
            str(source),
            "--case",
            str(case),
            "--exhibit",
            "B-1",
            "--seized-from",
            "bench",
            "--seized-at",
            "2026-01-01",
            "--seized-by",
            "bench",
        ]
    )
    load = _load()
    seconds = _run([DARKROOM, "process", "--case", str(case)])
    with sqlite3.connect(case / "case.db") as db:
        stored = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    return {"seconds": seconds, "messages": stored, "messages_per_s": stored / seconds, "load": load}


def whatstk_parse(path: Path) -> dict[str, Any] | None:
    """whatstk reading the same file into a DataFrame, or None when whatstk is not installed."""
    try:
        from whatstk import WhatsAppChat  # noqa: PLC0415 - optional reference tool
    except ImportError:
        return None
    load = _load()
    started = time.perf_counter()
    chat = WhatsAppChat.from_source(filepath=str(path), max_size=None)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "messages": len(chat.df),
        "messages_per_s": len(chat.df) / seconds,
        "load": load,
    }


def identifier_rate(messages: list[tuple[datetime, str, str]]) -> dict[str, Any] | None:
    """Identifier extraction MB/s over the message text, when the extractor exists."""
    try:
        from darkroom.identifiers.extract import extract  # noqa: PLC0415 - lands with its issue
    except ImportError:
        return None
    texts = [
        f"{text} call +44 7700 900{n % 1000:03d} or mail k{n}@example.com"
        for n, (_, _, text) in enumerate(messages[:200_000])
    ]
    size = sum(len(t.encode()) for t in texts)
    started = time.perf_counter()
    found = sum(len(extract(text, "GB")) for text in texts)
    seconds = time.perf_counter() - started
    return {"mb": size / 1e6, "seconds": seconds, "mb_per_s": size / 1e6 / seconds, "found": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="WhatsApp rounds, best kept (default 1)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "parsing")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work: Path = args.work
    for folder in ("whatsapp", "telegram"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    messages = _messages(args.messages, args.seed)
    chat_txt = work / "whatsapp" / "WhatsApp Chat with Weekend.txt"
    write_whatsapp(chat_txt, messages)
    write_telegram(work / "telegram" / "result.json", messages)
    darkroom_runs: list[dict[str, Any]] = []
    whatstk_runs: list[dict[str, Any]] = []
    for _ in range(max(1, args.repeat)):  # back to back, so both meet the same machine
        darkroom_runs.append(darkroom_process(work, "whatsapp", work / "whatsapp"))
        reference = whatstk_parse(chat_txt)
        if reference is not None:
            whatstk_runs.append(reference)
    report: dict[str, Any] = {
        "messages_generated": len(messages),
        "whatsapp_txt": _best(darkroom_runs),
        "whatstk": _best(whatstk_runs) if whatstk_runs else None,
        "telegram_json": darkroom_process(work, "telegram", work / "telegram"),
        "identifiers": identifier_rate(messages),
    }
    if report["whatstk"]:
        report["ratio_darkroom_over_whatstk"] = (
            report["whatsapp_txt"]["messages_per_s"] / report["whatstk"]["messages_per_s"]
        )
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"parsing {len(messages):,} generated messages")
    for name in ("whatsapp_txt", "whatstk", "telegram_json"):
        figures = report[name]
        if figures is None:
            print(f"  {name:14} not available (pip install whatstk)")
            continue
        loads = figures.get("loads", [figures["load"]])
        print(
            f"  {name:14} {figures['messages']:>9,} messages in {figures['seconds']:6.1f} s "
            f"= {figures['messages_per_s']:>9,.0f} messages/s   (load {', '.join(map(str, loads))})"
        )
    if "ratio_darkroom_over_whatstk" in report:
        print(
            f"  ratio          darkroom (parse + store + index) / whatstk (parse only): "
            f"{report['ratio_darkroom_over_whatstk']:.2f}x"
        )
    ids = report["identifiers"]
    if ids:
        print(f"  identifiers    {ids['mb']:.1f} MB in {ids['seconds']:.1f} s = {ids['mb_per_s']:.1f} MB/s")


if __name__ == "__main__":
    main()
