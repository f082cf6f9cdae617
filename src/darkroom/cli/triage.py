"""`darkroom triage` (the priority queue), `triage run`, `triage show`, `triage factors`,
`triage check-lexicon`, and `darkroom alerts` (planned events, most urgent first)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    JsonOption,
    actor_name,
    emit_jsonl,
    err,
    opened_case,
    out,
)

if TYPE_CHECKING:
    from darkroom.store import CaseStore
    from darkroom.triage.matcher import MatcherName
    from darkroom.triage.queries import AlertView, PriorityBreakdown
    from darkroom.triage.run import TriageSummary

app = typer.Typer(
    help="Triage: indicators in messages, planned events, and the advisory priority queue.",
    invoke_without_command=True,
)
LexiconOption = Annotated[
    list[str] | None,
    typer.Option(
        "--lexicon",
        help="A lexicon YAML file (repeat for several; `shipped:en`, `shipped:nb` are the examples). "
        "Default: the case setting, else the shipped examples.",
    ),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option("--profile", help="A triage profile YAML (default: the case setting, else shipped)."),
]
MatcherOption = Annotated[
    str, typer.Option("--matcher", help="auto (hyperscan where installed), hyperscan or ahocorasick.")
]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many lines.")]


@app.callback()
def queue(
    ctx: typer.Context,
    case: CaseOption = None,
    limit: LimitOption = 30,
    json_output: JsonOption = False,
) -> None:
    """The priority queue (advisory: it orders the team's work, it decides nothing)."""
    if ctx.invoked_subcommand is not None:
        return
    from darkroom.triage.queries import ADVISORY, priority_queue  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        entries = priority_queue(conn, limit)
    if json_output:
        emit_jsonl(entry.as_dict() for entry in entries)
        return
    if not entries:
        out().print("the queue is empty: run `darkroom triage run` (or `darkroom analyse`) first")
        return
    console = out()
    console.print(ADVISORY, style="italic", markup=False)
    for entry in entries:
        console.print(f"{entry.rank:>4}  {entry.score:8.1f}  {entry.subject:<14} {entry.label}", markup=False)
        for reason in entry.reasons[:3]:
            console.print(f"{'':>16}+{reason['points']:6.1f}  {reason['label']}", markup=False)


def run_triage_stage(
    store: CaseStore,
    actor: str,
    lexicons: list[str] | None = None,
    profile: Path | None = None,
    matcher: str = "auto",
    remember: bool = False,
) -> TriageSummary:
    """The triage stage with progress and a summary; `darkroom analyse` calls it last."""
    from darkroom.triage.run import configured, run_triage  # noqa: PLC0415 - start-up
    from darkroom.triage.run import remember as remember_settings  # noqa: PLC0415

    with store.read() as conn:
        config = configured(conn, lexicons, profile)
    if remember:
        with store.write() as conn:
            remember_settings(conn, actor, lexicons, profile)
    progress = Progress(
        TextColumn("[bold]triage {task.description}[/]"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    with progress:
        summary = run_triage(store, actor, config, cast("MatcherName", matcher), report)
    _print_summary(summary)
    return summary


def _print_summary(summary: TriageSummary) -> None:
    found = summary.indicators
    per_category = ", ".join(f"{c} {n}" for c, n in sorted(found.per_category.items())) or "none"
    out().print(
        f"triage: {found.messages_scanned} messages read in {found.files_scanned} files "
        f"({found.matcher}, {summary.seconds.get('indicators', 0):.1f} s), "
        f"{found.hits} new hits ({per_category}); "
        f"{summary.alerts.active} alerts ({summary.alerts.urgent} urgent, {summary.alerts.new} new); "
        f"{summary.subjects_scored} subjects in the queue (profile {summary.profile})",
        markup=False,
    )


@app.command("run")
def run(
    case: CaseOption = None,
    actor: ActorOption = None,
    lexicon: LexiconOption = None,
    profile: ProfileOption = None,
    matcher: MatcherOption = "auto",
    remember: Annotated[
        bool, typer.Option("--remember", help="Keep --lexicon/--profile as the case's settings.")
    ] = False,
) -> None:
    """Find indicators in every message, raise one alert per planned event, rebuild the queue."""
    with opened_case(case) as store:
        run_triage_stage(store, actor_name(actor), lexicon, profile, matcher, remember)


@app.command("show")
def show(
    subject: Annotated[str, typer.Argument(help="person:ID, account:ID, or an account handle.")],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Why a subject stands where it does in the queue: every reason, factor and alert."""
    from darkroom.triage.queries import priority_breakdown  # noqa: PLC0415 - start-up
    from darkroom.triage.subjects import load_subjects, resolve_subject  # noqa: PLC0415

    with opened_case(case) as store:
        with store.read() as conn:
            key = resolve_subject(conn, load_subjects(conn), subject)
        breakdown = priority_breakdown(store, key)
    if json_output:
        emit_jsonl([breakdown.as_dict()])
        return
    print_breakdown(breakdown)


def print_breakdown(breakdown: PriorityBreakdown) -> None:
    """The human form of a breakdown (also for `darkroom person show`)."""
    console = out()
    rank = f"rank {breakdown.rank}" if breakdown.rank else "not in the queue"
    console.print(
        f"{breakdown.subject}  {breakdown.label}: score {breakdown.score:.1f}, {rank}", markup=False
    )
    console.print(breakdown.advisory, style="italic", markup=False)
    for reason in breakdown.reasons:
        console.print(f"  +{reason['points']:6.1f}  {reason['label']}", markup=False)
    for name, fact in sorted(breakdown.factors.items()):
        console.print(
            f"  factor {name} = {fact['value']} ({fact['reason']}; {fact['actor']}, {fact['at_utc']})",
            markup=False,
        )
    for alert in breakdown.alerts:
        kind = "URGENT" if alert["urgent"] else "planned"
        console.print(
            f"  alert {alert['alert_id']} {kind} {alert['event_date']} ({alert['date_text']})", markup=False
        )


@app.command("factors")
def factors(
    subject: Annotated[str, typer.Argument(help="person:ID, account:ID, or an account handle.")],
    case: CaseOption = None,
    actor: ActorOption = None,
    set_values: Annotated[
        list[str] | None,
        typer.Option("--set", help="NAME=VALUE, e.g. prior_criminal_history=yes, age_years=34."),
    ] = None,
    clear: Annotated[list[str] | None, typer.Option("--clear", help="A factor to remove.")] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Where the facts come from (required to change).")
    ] = "",
    json_output: JsonOption = False,
) -> None:
    """Record (audited) or show the static factors of a subject (CPORT/CASIC/KIRAT-inspired)."""
    from darkroom.triage.factors import FACTORS, clear_factors, factors_of, parse_setting, record_factors  # noqa: PLC0415
    from darkroom.triage.subjects import load_subjects, resolve_subject  # noqa: PLC0415

    with opened_case(case) as store:
        with store.read() as conn:
            subjects = load_subjects(conn)
            key = resolve_subject(conn, subjects, subject)
        settings = dict(parse_setting(item) for item in set_values or [])
        if settings or clear:
            with store.write() as conn:
                if settings:
                    record_factors(conn, key, settings, reason, actor_name(actor))
                if clear:
                    clear_factors(conn, key, clear, reason, actor_name(actor))
        with store.read() as conn:
            recorded = factors_of(conn, subjects.keys_of(key))
    if json_output:
        emit_jsonl({"subject": key, "factor": name, **fact} for name, fact in sorted(recorded.items()))
        return
    for name, spec in FACTORS.items():
        fact = recorded.get(name)
        value = f"{fact['value']}  ({fact['reason']}; {fact['actor']}, {fact['at_utc']})" if fact else "-"
        out().print(f"{name:<32} {value}   [{spec.source}]", markup=False)
    if settings or clear:
        out().print("run `darkroom triage run` to bring the queue up to date", markup=False)


@app.command("alert")
def alert_status(
    alert_id: Annotated[int, typer.Argument(help="The alert's number (`darkroom alerts`).")],
    status: Annotated[str, typer.Option("--status", help="open, acknowledged or dismissed.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")] = "",
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Record an investigator's status for an alert (audited; kept across re-runs)."""
    from darkroom.triage.alerts import set_alert_status  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.write() as conn:
        set_alert_status(conn, alert_id, status, reason, actor_name(actor))
    out().print(f"alert {alert_id}: {status}", markup=False)


@app.command("check-lexicon")
def check_lexicon(paths: Annotated[list[Path], typer.Argument(help="Lexicon YAML files.")]) -> None:
    """Validate lexicon files and print their categories and term counts (no case needed)."""
    from darkroom.triage.lexicon import load_lexicon  # noqa: PLC0415 - start-up

    for path in paths:
        lexicon = load_lexicon(path)
        counts: dict[str, int] = {}
        for term in lexicon.terms:
            counts[term.category] = counts.get(term.category, 0) + 1
        summary = ", ".join(f"{category} {n}" for category, n in sorted(counts.items()))
        out().print(
            f"{path}: lexicon {lexicon.name!r} ({lexicon.language}), {len(lexicon.terms)} terms: {summary}; "
            f"sha256 {lexicon.sha256_hex}",
            markup=False,
        )


def alerts(
    case: CaseOption = None,
    urgent: Annotated[bool, typer.Option("--urgent", help="Only urgent alerts.")] = False,
    include_inactive: Annotated[
        bool, typer.Option("--all", help="Also alerts a later run no longer found.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Planned events, one alert each, most urgent first, with the messages that raised them."""
    from darkroom.triage.queries import list_alerts  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        found = list_alerts(conn, urgent_only=urgent, include_inactive=include_inactive)
    if json_output:
        emit_jsonl(alert.as_dict() for alert in found)
        return
    if not found:
        out().print("no alerts (run `darkroom triage run` or `darkroom analyse` first)", markup=False)
    for alert in found:
        _print_alert(alert)


def _print_alert(alert: AlertView) -> None:
    console = out()
    kind = "URGENT " if alert.urgent else "planned"
    when = (
        alert.event_date
        if alert.event_date == alert.event_date_end
        else f"{alert.event_date}..{alert.event_date_end}"
    )
    who = ", ".join(s["label"] for s in alert.subjects)
    categories = ", ".join(f"{c} {n}" for c, n in alert.categories.items())
    console.print(
        f"alert {alert.id} {kind} {when} ({alert.date_text!r}; seized {alert.reference_seized_at_utc[:10]}) "
        f"[{alert.status}]  {who}  ({categories})",
        markup=False,
    )
    copies: dict[tuple[str, str], list[str]] = {}
    first: dict[tuple[str, str], Any] = {}
    for message in alert.messages:  # the same message from several exhibits prints once
        key = ((message.sent_at_utc or "?")[:16], message.body)
        first.setdefault(key, message)
        copies.setdefault(key, []).append(f"{message.exhibit} {message.path} {message.locator}")
    for key, message in first.items():
        console.print(
            f"    {key[0]}  {message.sender or '?'}: {message.body}  [{message.role}]", markup=False
        )
        for place in copies[key]:
            console.print(f"        {place}", markup=False)
