"""Scoring triage against the planted events of a synthetic `truth.json`.

An alert matches a planted item when one of the messages that raised it is a planted line
(same text, sent in the same minute: copies of a chat on several exhibits all match). Recall
is over planted events, precision over the case's active alerts; decoys that raised an alert
and planted events raised twice are counted apart. High-risk suspects are found in the queue
through the accounts that sent their planted lines (before identity runs, a person's best-
ranked account stands for them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from darkroom.store import CaseStore
from darkroom.triage.subjects import load_subjects

TOP = 10
_SENT_SQL = text(
    "SELECT sent_at_utc, body, sender_account_id FROM messages "
    "WHERE sender_account_id IS NOT NULL AND sent_at_utc IS NOT NULL"
)
_ALERT_MESSAGES_SQL = text(
    """
    SELECT a.id, a.urgent, a.event_date, a.event_date_end, m.sent_at_utc, m.body, m.sender_account_id
    FROM alerts a JOIN alert_messages am ON am.alert_id = a.id JOIN messages m ON m.id = am.message_id
    WHERE a.active = 1
    """
)


def _minute(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


@dataclass(slots=True)
class HighRiskRank:
    """Where a planted high-risk suspect stands in the queue."""

    person: str
    name: str
    rank: int | None
    subject: str | None

    @property
    def in_top(self) -> bool:
        return self.rank is not None and self.rank <= TOP


@dataclass(slots=True)
class TriageScores:
    """Planted events against alerts, and planted high-risk suspects against the queue."""

    planted_urgent: int = 0
    planted_past: int = 0
    planted_decoys: int = 0
    urgent_found: int = 0
    past_found: int = 0
    alerts: int = 0
    urgent_alerts: int = 0
    true_alerts: int = 0
    true_urgent_alerts: int = 0
    duplicate_alerts: int = 0
    wrong_urgency: int = 0
    dates_exact: int = 0
    decoys_alerted: int = 0
    missed: list[str] = field(default_factory=list)
    high_risk: list[HighRiskRank] = field(default_factory=list)

    @property
    def urgent_recall(self) -> float | None:
        return self.urgent_found / self.planted_urgent if self.planted_urgent else None

    @property
    def event_recall(self) -> float | None:
        planted = self.planted_urgent + self.planted_past
        return (self.urgent_found + self.past_found) / planted if planted else None

    @property
    def alert_precision(self) -> float | None:
        return self.true_alerts / self.alerts if self.alerts else None

    @property
    def urgent_precision(self) -> float | None:
        return self.true_urgent_alerts / self.urgent_alerts if self.urgent_alerts else None

    @property
    def high_risk_in_top(self) -> int:
        return sum(1 for item in self.high_risk if item.in_top)

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["high_risk"] = [{**asdict(item), "in_top_10": item.in_top} for item in self.high_risk]
        found.update(
            urgent_recall=self.urgent_recall, event_recall=self.event_recall,
            alert_precision=self.alert_precision, urgent_precision=self.urgent_precision,
            high_risk_in_top_10=self.high_risk_in_top,
        )  # fmt: skip
        return found


def has_triage(store: CaseStore) -> bool:
    """Whether a triage run has finished in this case."""
    with store.read() as conn:
        finished = text("SELECT 1 FROM triage_runs WHERE finished_at_utc IS NOT NULL LIMIT 1")
        return conn.execute(finished).first() is not None


def score_triage(store: CaseStore, truth: dict[str, Any]) -> TriageScores:
    """Alert recall and precision, urgency and dates, decoys, and the high-risk suspects' ranks."""
    planted = {str(item["id"]): item for item in truth.get("planned_events", [])}
    line_owner = {
        (_minute(m["sent_at"]), m["text"].strip()): item_id
        for item_id, item in planted.items()
        for m in item["messages"]
    }
    speaker_lines = {
        (_minute(m["sent_at"]), m["text"].strip()): str(item["speaker"])
        for item in planted.values()
        if item.get("high_risk")
        for m in item["messages"]
        if m["sender"] == item["speaker_account"]
    }
    scores = TriageScores()
    for item in planted.values():
        if item["kind"] == "planned-event":
            if item["urgent"]:
                scores.planted_urgent += 1
            else:
                scores.planted_past += 1
        elif str(item["kind"]).startswith("decoy-"):
            scores.planted_decoys += 1
    alerts: dict[int, dict[str, Any]] = {}
    senders: dict[str, set[int]] = defaultdict(set)
    with store.read() as conn:
        for row in conn.execute(_ALERT_MESSAGES_SQL):
            alert = alerts.setdefault(int(row.id), {"urgent": bool(row.urgent), "days": (row.event_date,
                                      row.event_date_end), "items": set()})  # fmt: skip
            owner = line_owner.get((_minute(row.sent_at_utc), str(row.body).strip()))
            if owner is not None:
                alert["items"].add(owner)
        _match_alerts(scores, alerts, planted)
        for row in conn.execute(_SENT_SQL):
            speaker = speaker_lines.get((_minute(row.sent_at_utc), str(row.body).strip()))
            if speaker is not None:  # a line the high-risk suspect wrote, in any copy
                senders[speaker].add(int(row.sender_account_id))
        scores.high_risk = _high_risk_ranks(conn, truth, senders)
    return scores


def _match_alerts(scores: TriageScores, alerts: dict[int, dict[str, Any]], planted: dict[str, Any]) -> None:
    raised: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alert in alerts.values():
        events = [i for i in alert["items"] if planted[i]["kind"] == "planned-event"]
        scores.alerts += 1
        scores.urgent_alerts += int(alert["urgent"])
        scores.true_alerts += int(bool(events))
        scores.true_urgent_alerts += int(alert["urgent"] and any(planted[i]["urgent"] for i in events))
        for item in alert["items"]:
            raised[item].append(alert)
    for item_id, item in planted.items():
        found = raised.get(item_id, [])
        if str(item["kind"]).startswith("decoy-") and found:
            scores.decoys_alerted += 1
        if item["kind"] != "planned-event":
            continue
        if not found:
            scores.missed.append(item_id)
            continue
        scores.duplicate_alerts += len(found) - 1
        right = [a for a in found if a["urgent"] == item["urgent"]]
        if item["urgent"] and right:
            scores.urgent_found += 1
        elif not item["urgent"] and right:
            scores.past_found += 1
        else:
            scores.wrong_urgency += 1
        days = (item["event_first_day"], item["event_last_day"])
        scores.dates_exact += int(any(a["days"] == days for a in found))


def _high_risk_ranks(conn: Any, truth: dict[str, Any], senders: dict[str, set[int]]) -> list[HighRiskRank]:
    subjects = load_subjects(conn)
    queue = conn.execute(text("SELECT subject_key, queue_rank FROM priority_scores"))
    ranks = {str(row.subject_key): int(row.queue_rank) for row in queue}
    found = []
    for person in truth.get("high_risk", []):
        keys = {subjects.key(account) for account in senders.get(person["person"], set())}
        ranked = sorted((ranks[key], key) for key in keys if key in ranks)
        best = ranked[0] if ranked else (None, None)
        found.append(HighRiskRank(person["person"], person["name"], best[0], best[1]))
    return found


def triage_rows(scores: TriageScores) -> list[dict[str, Any]]:
    """JSON Lines rows for `darkroom eval --json`."""
    summary = scores.as_dict()
    high_risk = summary.pop("high_risk")
    return [
        {"section": "triage", **summary},
        *({"section": "triage-high-risk", **item} for item in high_risk),
    ]


def describe(scores: TriageScores) -> list[tuple[str, str]]:
    """(measure, value) lines for the eval table."""

    def percent(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    ranks = ", ".join(f"{h.name} {h.rank if h.rank is not None else '-'}" for h in scores.high_risk)
    return [
        ("urgent events found (recall)",
         f"{scores.urgent_found} of {scores.planted_urgent} ({percent(scores.urgent_recall)})"),
        ("planned events found (recall)", f"{scores.urgent_found + scores.past_found} of "
         f"{scores.planted_urgent + scores.planted_past} ({percent(scores.event_recall)})"),
        ("alert precision", f"{scores.true_alerts} of {scores.alerts} ({percent(scores.alert_precision)})"),
        ("urgent alert precision", f"{scores.true_urgent_alerts} of {scores.urgent_alerts} "
         f"({percent(scores.urgent_precision)})"),
        ("event dates exact", str(scores.dates_exact)),
        ("wrong urgency / duplicate alerts", f"{scores.wrong_urgency} / {scores.duplicate_alerts}"),
        ("decoys that raised an alert", f"{scores.decoys_alerted} of {scores.planted_decoys}"),
        ("missed planted events", ", ".join(scores.missed) or "none"),
        (f"high-risk suspects in the top {TOP}",
         f"{scores.high_risk_in_top} of {len(scores.high_risk)} (ranks: {ranks})"),
    ]  # fmt: skip
