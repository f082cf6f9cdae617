"""Triage throughput: the whole indicator stage against a raw hyperscan scan of the same text.

What it measures, on generated chats (default 1,000,000 messages: bland small talk in English and
Norwegian, with a planned-event script every ~2,000 messages and some disguised spellings):
- the indicator stage as `darkroom triage run` runs it: read messages from the case store,
  normalize (case, diacritics, æ/ø/å, b4by → baby), one multi-pattern pass per batch, context
  rules, spans mapped back, hits written — in MB/s of message text and messages/s, with hyperscan
  and with pyahocorasick;
- the ceiling: hyperscan's block scan of the same raw text (joined in 16 MiB blocks, already in
  memory) with the same term patterns, case-insensitive, no normalization, no store, a counting
  callback. The ratio says how much of that speed the full stage keeps;
- the planned-event stage (windows, date search, merge) in messages/s of the case.

Run: `.venv/bin/python bench/triage.py [--messages N] [--quick] [--json]`. The case goes to
`bench/out/triage/` (git-ignored). Exit code 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import hyperscan

from darkroom.store import CaseStore
from darkroom.store.case import execute_many
from darkroom.synth.vocab import DAYS, EVENT_SCRIPTS, SMALL_TALK, TEAMS
from darkroom.triage.events import detect_events, load_context
from darkroom.triage.indicators import run_indicators
from darkroom.triage.lexicon import load_lexicons
from darkroom.triage.profile import load_profile
from darkroom.triage.scanner import IndicatorScanner
from darkroom.triage.subjects import load_subjects

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "triage"
NORWEGIAN = ("Kaffe på fredag?", "Takk for i går!", "Ses på trening", "Hvordan gikk kampen?", "Vi høres",
             "Kommer du på lørdag?", "Bilen er på verksted til mandag", "Så bra 👍")  # fmt: skip
DISGUISED = ("c0ffee l8r?", "b4 the m4tch", "Sk0l!", "see u @ 7")
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
PER_CHAT = 500
BLOCK = 16 << 20


def _line(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(NORWEGIAN)
    if roll < 0.17:
        return rng.choice(DISGUISED)
    template = rng.choice(SMALL_TALK)
    return template.format(day=rng.choice(DAYS), team=rng.choice(TEAMS), n=rng.randint(5, 40), time="18:30")


def build_case(root: Path, messages: int, seed: int) -> tuple[CaseStore, int]:
    """A case whose store holds `messages` messages in chats of PER_CHAT; returns it and the text bytes."""
    shutil.rmtree(root, ignore_errors=True)
    store = CaseStore.create(root, "Bench triage", "NO", "Europe/Oslo")
    rng = random.Random(seed)
    stamp = "2026-03-20T00:00:00.000000+00:00"
    total_bytes = 0
    with store.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO exhibits (id, ref, source_path, source_kind, seized_from, seized_at_utc, seized_by, "
            "intake_status, registered_at_utc) VALUES (1, 'EX-001', x'00', 'folder', 'bench', ?, 'bench', "
            "'complete', ?)",
            ("2026-03-14T06:10:00.000000+00:00", stamp),
        )
        accounts = [(i, f"+4790000{i:03d}", f"+4790000{i:03d}") for i in range(1, 201)]
        execute_many(conn, "INSERT INTO accounts VALUES (?, 'whatsapp', ?, ?, 0, NULL, NULL)", accounts)
    chats = (messages + PER_CHAT - 1) // PER_CHAT
    for chat in range(1, chats + 1):
        a, b = rng.sample(range(1, 201), 2)
        moment = START + timedelta(hours=rng.randrange(24 * 300))
        rows = []
        script = rng.choice(EVENT_SCRIPTS[rng.choice(("en", "nb"))]) if chat % 4 == 0 else ()
        when = rng.choice(("next Saturday", "neste lørdag", "on 14.04"))
        for index in range(min(PER_CHAT, messages - (chat - 1) * PER_CHAT)):
            moment += timedelta(seconds=rng.randint(20, 4000))
            body = _line(rng)
            if 250 <= index < 250 + len(script):  # a planned event every ~2,000 messages
                body = script[index - 250][1].format(when=when)
            total_bytes += len(body.encode("utf-8"))
            rows.append((chat, a if index % 2 else b, moment.isoformat(timespec="microseconds"), body, chat,
                         f"line {index + 1}"))  # fmt: skip
        with store.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO files (id, exhibit_id, path, display_path, entry_kind, recorded_at_utc) "
                "VALUES (?, 1, ?, ?, 'file', ?)",
                (chat, f"chat{chat}.txt".encode(), f"chat{chat}.txt", stamp),
            )
            conn.exec_driver_sql(
                "INSERT INTO file_parses (file_id, parser, parser_version, status, parsed_at_utc) "
                "VALUES (?, 'bench', '1', 'parsed', ?)",
                (chat, stamp),
            )
            conn.exec_driver_sql(
                "INSERT INTO conversations (id, platform, exhibit_id, file_id, locator) "
                "VALUES (?, 'whatsapp', 1, ?, 'file')",
                (chat, chat),
            )
            execute_many(conn, "INSERT INTO conversation_participants VALUES (?, ?)", [(chat, a), (chat, b)])
            execute_many(
                conn,
                "INSERT INTO messages (conversation_id, sender_account_id, sent_at_utc, body, kind, "
                "exhibit_id, file_id, locator) VALUES (?, ?, ?, ?, 'text', 1, ?, ?)",
                rows,
            )
    return store, total_bytes


def reset_indicators(store: CaseStore) -> None:
    with store.write() as conn:
        conn.exec_driver_sql("DELETE FROM indicator_hits")
        conn.exec_driver_sql("DELETE FROM indicator_passes")


def raw_hyperscan(store: CaseStore, patterns: list[str]) -> tuple[float, int, int]:
    """Seconds, bytes and matches of hyperscan's block scan of the raw text, already in memory."""
    with store.read() as conn:
        bodies = [row[0] for row in conn.exec_driver_sql("SELECT body FROM messages ORDER BY id")]
    data = "\n".join(bodies).encode("utf-8")
    blocks = [data[i : i + BLOCK] for i in range(0, len(data), BLOCK)]
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    encoded = [p.encode("utf-8") for p in patterns]
    database.compile(expressions=encoded, ids=list(range(len(encoded))), elements=len(encoded),
                     flags=[hyperscan.HS_FLAG_CASELESS] * len(encoded), literal=True)  # fmt: skip
    found = [0]

    def on_match(*_: Any) -> None:
        found[0] += 1

    started = time.perf_counter()
    for block in blocks:
        database.scan(block, match_event_handler=on_match)
    return time.perf_counter() - started, len(data), found[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 messages: a smoke run in seconds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    messages = 50_000 if args.quick else args.messages
    lexicons = load_lexicons(None)
    started = time.perf_counter()
    store, text_bytes = build_case(OUT / "case", messages, args.seed)
    build_s = time.perf_counter() - started
    results: dict[str, Any] = {
        "messages": messages,
        "text_mb": round(text_bytes / 1e6, 2),
        "build_s": round(build_s, 1),
    }
    for engine in ("hyperscan", "ahocorasick"):
        reset_indicators(store)
        scanner = IndicatorScanner(lexicons, engine)  # type: ignore[arg-type]
        started = time.perf_counter()
        summary = run_indicators(store, scanner)
        seconds = time.perf_counter() - started
        results[f"stage_{engine}"] = {
            "seconds": round(seconds, 2), "hits": summary.hits,
            "mb_per_s": round(text_bytes / 1e6 / seconds, 2), "messages_per_s": round(messages / seconds),
        }  # fmt: skip
    patterns = [p.strip() for term in lexicons.terms for p in term.patterns]
    raw_s, raw_bytes, raw_hits = raw_hyperscan(store, sorted(set(patterns)))
    results["raw_hyperscan"] = {"seconds": round(raw_s, 3), "mb_per_s": round(raw_bytes / 1e6 / raw_s, 1),
                                "matches": raw_hits}  # fmt: skip
    results["ratio_stage_to_raw"] = round(
        results["raw_hyperscan"]["seconds"] / results["stage_hyperscan"]["seconds"], 4
    )
    profile = load_profile(None)
    with store.read() as conn:
        context = load_context(conn, profile.events, load_subjects(conn), ZoneInfo("Europe/Oslo"))
        started = time.perf_counter()
        events = detect_events(conn, context)
        event_s = time.perf_counter() - started
    results["events"] = {"seconds": round(event_s, 2), "events": len(events),
                         "messages_per_s": round(messages / event_s)}  # fmt: skip
    store.close()
    if args.json:
        print(json.dumps(results, indent=1))
        return
    _print(results, build_s)


def _print(results: dict[str, Any], build_s: float) -> None:
    raw, events = results["raw_hyperscan"], results["events"]
    print(
        f"{results['messages']:,} messages, {results['text_mb']} MB of text (case built in {build_s:.0f} s)"
    )
    for engine in ("hyperscan", "ahocorasick"):
        stage = results[f"stage_{engine}"]
        print(
            f"indicator stage, {engine + ':':<13} {stage['seconds']:7.2f} s  {stage['mb_per_s']:7.2f} MB/s  "
            f"{stage['messages_per_s']:>9,} msg/s  {stage['hits']:,} hits"
        )
    print(
        f"raw hyperscan block scan:      {raw['seconds']:7.3f} s  {raw['mb_per_s']:7.1f} MB/s  "
        f"({raw['matches']:,} matches; no normalization, no store)"
    )
    print(f"ratio (raw scan time / whole stage time): {results['ratio_stage_to_raw']:.4f}")
    print(
        f"planned-event stage: {events['seconds']:.2f} s, {events['messages_per_s']:,} case messages/s, "
        f"{events['events']} events"
    )


if __name__ == "__main__":
    main()
