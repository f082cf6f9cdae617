"""One triage run: indicators, then planned events and alerts, then the priority queue; each
step idempotent, the whole run recorded in `triage_runs` and the audit chain (with the digest
of the lexicons and profile used, so a disclosure can say exactly what was searched for)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from darkroom.evidence import audit
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso, utc_now, zone
from darkroom.triage.alerts import AlertSummary, write_alerts
from darkroom.triage.events import detect_events, load_context
from darkroom.triage.indicators import IndicatorSummary, run_indicators
from darkroom.triage.lexicon import LexiconSet, load_lexicons
from darkroom.triage.matcher import MatcherName
from darkroom.triage.priority import score_subjects, write_scores
from darkroom.triage.profile import TriageProfile, load_profile
from darkroom.triage.scanner import IndicatorScanner
from darkroom.triage.subjects import load_subjects

LEXICONS_SETTING = "triage_lexicons"
PROFILE_SETTING = "triage_profile"
StageProgress = Callable[[str, int, int], None]


@dataclass(slots=True)
class TriageSummary:
    """What a run did, and how long each step took."""

    run_id: int
    indicators: IndicatorSummary
    alerts: AlertSummary
    subjects_scored: int
    lexicon_sha256: str
    profile: str
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TriageConfig:
    """The lexicons and profile a run uses."""

    lexicons: LexiconSet
    profile: TriageProfile


def configured(conn: Connection, lexicons: list[str] | None, profile: Path | None) -> TriageConfig:
    """What was given on the command line, else the case settings, else the shipped examples."""
    settings: dict[str, str] = dict(
        conn.execute(
            text("SELECT key, value FROM case_settings WHERE key IN (:l, :p)"),
            {"l": LEXICONS_SETTING, "p": PROFILE_SETTING},
        ).all()
    )
    specs = lexicons or (json.loads(settings[LEXICONS_SETTING]) if LEXICONS_SETTING in settings else None)
    chosen_profile = profile or (Path(settings[PROFILE_SETTING]) if PROFILE_SETTING in settings else None)
    return TriageConfig(load_lexicons(specs), load_profile(chosen_profile))


def remember(conn: Connection, actor: str, lexicons: list[str] | None, profile: Path | None) -> None:
    """Keep the lexicons and profile as the case's settings for later runs (audited)."""
    values: dict[str, str] = {}
    if lexicons:
        values[LEXICONS_SETTING] = json.dumps([_absolute(spec) for spec in lexicons])
    if profile is not None:
        values[PROFILE_SETTING] = str(profile.expanduser().resolve())
    for key, value in values.items():
        conn.execute(
            text("INSERT OR REPLACE INTO case_settings (key, value) VALUES (:k, :v)"), {"k": key, "v": value}
        )
    if values:
        audit.append(conn, actor, "triage.settings", "case", values)


def _absolute(spec: str) -> str:
    return spec if spec.startswith("shipped:") else str(Path(spec).expanduser().resolve())


def run_triage(
    store: CaseStore,
    actor: str,
    config: TriageConfig,
    engine: MatcherName = "auto",
    progress: StageProgress | None = None,
) -> TriageSummary:
    """Bring indicators, alerts and the queue up to date; record the run."""
    clock = time.perf_counter()
    scanner = IndicatorScanner(config.lexicons, engine)
    with store.write() as conn:
        run_id = int(
            conn.execute(
                text(
                    "INSERT INTO triage_runs (started_at_utc, actor, lexicon_sha256, lexicon_sources_json, "
                    "profile, matcher) VALUES (:t, :a, :s, :src, :p, :m) RETURNING id"
                ),
                {"t": to_iso(utc_now()), "a": actor, "s": config.lexicons.sha256_hex,
                 "src": json.dumps(config.lexicons.sources), "p": config.profile.name, "m": scanner.engine},
            ).scalar_one()
        )  # fmt: skip
    seconds: dict[str, float] = {}
    indicators = run_indicators(
        store, scanner, (lambda d, t: progress("indicators", d, t)) if progress else None
    )
    seconds["indicators"] = time.perf_counter() - clock
    clock = time.perf_counter()
    case_zone = zone(store.info().timezone)
    with store.read() as conn:
        subjects = load_subjects(conn)
        context = load_context(conn, config.profile.events, subjects, case_zone)
        events = detect_events(conn, context, (lambda d, t: progress("events", d, t)) if progress else None)
    seconds["events"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with store.write() as conn:
        alerts = write_alerts(conn, events)
        scored = score_subjects(conn, subjects, config.profile)
        write_scores(conn, subjects, config.profile, scored)
        seconds["priority"] = time.perf_counter() - clock
        _finish_run(conn, run_id, actor, config, indicators, alerts, len(scored))
    return TriageSummary(
        run_id, indicators, alerts, len(scored), config.lexicons.sha256_hex, config.profile.name, seconds
    )


def _finish_run(
    conn: Connection,
    run_id: int,
    actor: str,
    config: TriageConfig,
    indicators: IndicatorSummary,
    alerts: AlertSummary,
    scored: int,
) -> None:
    conn.execute(
        text(
            "UPDATE triage_runs SET finished_at_utc = :t, messages_scanned = :m, hits = :h, alerts = :a, "
            "urgent_alerts = :u WHERE id = :id"
        ),
        {"t": to_iso(utc_now()), "m": indicators.messages_scanned, "h": indicators.hits,
         "a": alerts.active, "u": alerts.urgent, "id": run_id},
    )  # fmt: skip
    audit.append(
        conn,
        actor,
        "triage.run",
        f"triage-run:{run_id}",
        {
            "lexicons": [{"name": lex.name, "source": lex.source, "sha256": lex.sha256_hex}
                         for lex in config.lexicons.lexicons],
            "profile": {"name": config.profile.name, "source": config.profile.source,
                        "sha256": config.profile.sha256_hex},
            "matcher": indicators.matcher,
            "messages_scanned": indicators.messages_scanned,
            "hits": indicators.hits,
            "alerts": alerts.active,
            "urgent_alerts": alerts.urgent,
            "subjects_scored": scored,
        },
    )  # fmt: skip
