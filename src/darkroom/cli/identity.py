"""`darkroom identity resolve`, `darkroom persons` and `darkroom person show|merge|split|confirm|
reject-link`: accounts and contact cards resolved into persons, and investigators' decisions."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

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
from darkroom.errors import InvalidInput
from darkroom.store import CaseStore

if TYPE_CHECKING:
    from darkroom.identity.decisions import DecisionOutcome
    from darkroom.identity.queries import PersonDetail
    from darkroom.identity.stage import IdentitySummary

identity_app = typer.Typer(help="Resolve accounts and contact cards into persons.", no_args_is_help=True)
person_app = typer.Typer(
    help="One person: show it, or record an investigator's decision.", no_args_is_help=True
)

ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept in the decision and the audit log).")]
AccountsOption = Annotated[
    list[str],
    typer.Option("--account", help="An account id, account:ID, contact:ID or PLATFORM:HANDLE (repeatable)."),
]


def run_identity_stage(store: CaseStore, actor: str, use_model: bool = True) -> IdentitySummary:
    """Resolve persons and print a one-line summary (used by `analyse` too)."""
    from darkroom.identity.stage import run_identity  # noqa: PLC0415 - start-up

    summary = run_identity(
        store, actor, use_model, progress=lambda message: err().print(f"identity: {message} …")
    )
    out().print(_summary_line(summary), markup=False)
    return summary


def _summary_line(s: IdentitySummary) -> str:
    line = (
        f"persons: {s.persons} from {s.records} accounts and contact cards "
        f"({s.persons_kept} kept their id, {s.persons_created} new, {s.persons_retired} retired); links: "
        f"{s.deterministic_links} deterministic, {s.model_links} model, {s.investigator_links} by decisions; "
        f"{s.candidates} pairs to review; {s.shared_identifiers} identifiers marked shared; {s.seconds} s"
    )
    return f"{line}\n{s.note}" if s.note else line


@identity_app.command("resolve")
def resolve(
    case: CaseOption = None,
    actor: ActorOption = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Deterministic links only (no probabilistic model).")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Resolve accounts and contact cards into persons; investigators' decisions always win."""
    from darkroom.identity.stage import run_identity  # noqa: PLC0415 - start-up

    with opened_case(case) as store:
        if json_output:
            emit_jsonl([asdict(run_identity(store, actor_name(actor), not no_model))])
        else:
            run_identity_stage(store, actor_name(actor), not no_model)


def persons(
    case: CaseOption = None,
    name: Annotated[str | None, typer.Option("--name", help="Only persons whose label holds this.")] = None,
    sort: Annotated[
        Literal["id", "records", "confidence"], typer.Option("--sort", help="Order by.")
    ] = "records",
    limit: Annotated[int, typer.Option("--limit", help="At most this many (a page).")] = 50,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many (the next page).")] = 0,
    json_output: JsonOption = False,
) -> None:
    """Resolved persons: accounts, cards, exhibits, confidence (the weakest link) and confirmation."""
    from darkroom.identity.queries import count_persons, list_persons  # noqa: PLC0415

    with opened_case(case) as store, store.read() as conn:
        rows = list_persons(conn, offset, limit, name, sort)
        total = count_persons(conn)
    if json_output:
        emit_jsonl(asdict(row) for row in rows)
        return
    console = out()
    for row in rows:
        state = (
            "confirmed" if row.confirmed else (f"{row.model_links} model links" if row.model_links else "")
        )
        console.print(
            f"{row.person_id}\t{row.label}\t{row.accounts} accounts\t{row.contacts} cards\t"
            f"{len(row.exhibits)} exhibits\tconfidence {row.confidence:.2f}\t{state}",
            markup=False,
        )
    shown = f"{offset + 1}-{offset + len(rows)}" if rows else "none"
    err().print(f"{shown} of {total} persons (--offset {offset + limit} for the next page)")


@person_app.command("show")
def show(
    person_id: Annotated[int, typer.Argument(help="The person's id (from `darkroom persons`).")],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Accounts, cards, identifiers, exhibits, conversation partners, why each link, decisions,
    candidates, and the advisory triage priority with its reasons."""
    from darkroom.cli.triage import print_breakdown  # noqa: PLC0415
    from darkroom.identity.queries import person_detail  # noqa: PLC0415
    from darkroom.triage.queries import priority_breakdown  # noqa: PLC0415

    with opened_case(case) as store:
        with store.read() as conn:
            detail = person_detail(conn, person_id)
        if detail is None:
            raise InvalidInput(f"person {person_id} does not exist; see `darkroom persons`")
        breakdown = priority_breakdown(store, person_id)
    if json_output:
        emit_jsonl([{**asdict(detail), "priority": breakdown.as_dict()}])
        return
    _print_detail(detail)
    out().print("\nadvisory priority (orders the team's work; never a decision or evidence):")
    print_breakdown(breakdown)


def _why(reasons: dict[str, Any]) -> str:
    link = reasons.get("link", reasons)
    rule = str(link.get("rule", ""))
    if "identifier" in link:
        return f"{rule} {link['identifier']}"
    if rule == "model":
        fields = ", ".join(f"{f['level']} ({f['weight']:+})" for f in link.get("fields", [])[:3])
        return f"model: {fields}"
    return rule


def _print_detail(d: PersonDetail) -> None:
    console = out()
    console.print(f"[bold]person {d.person_id}: {d.label}[/]" + (" (restricted)" if d.restricted else ""))
    if d.retired_at_utc:
        console.print(f"retired {d.retired_at_utc}; its records went to person {d.merged_into}", markup=False)
    console.print(f"exhibits: {', '.join(d.exhibits) or '-'}", markup=False)
    for m in d.members:
        where = m.provenance or ", ".join(m.exhibits)
        label = f"{m.platform}:{m.handle}" if m.handle else f"card {', '.join(m.names)}"
        mark = " confirmed" if m.confirmed else ""
        probability = "" if m.probability is None else f" p={m.probability:.3f}"
        console.print(
            f"  {m.ref:<14} {label:<40} {m.method}{probability}{mark}  {_why(m.reasons)}  [{where}]",
            markup=False,
        )
    for i in d.identifiers:
        shared = f"  SHARED: {i.shared_reason or 'marked shared'}" if i.is_shared else ""
        console.print(f"  identifier {i.kind} {i.value} ({i.records} records){shared}", markup=False)
    for p in d.partners[:20]:
        who = f"person {p.person_id} {p.label}" if p.person_id else p.account
        console.print(
            f"  talks with {who}: {p.conversations} conversations, {p.messages} messages", markup=False
        )
    for dec in d.decisions:
        console.print(
            f"  decision {dec.decision_id} {dec.kind} by {dec.actor} at {dec.at_utc}: {dec.reason}",
            markup=False,
        )
    for c in d.candidates:
        other = f"person {c.other_person_id} {c.other_label}" if c.other_person_id else c.other_ref
        console.print(
            f"  candidate {c.own_ref} ~ {c.other_ref} ({other}) p={c.probability:.3f} {c.status}: "
            f"{_why(c.reasons)}",
            markup=False,
        )


def _report(outcome: DecisionOutcome, what: str) -> None:
    persons_left = ", ".join(str(p) for p in outcome.persons)
    out().print(
        f"decision {outcome.decision_id} recorded (audit row {outcome.audit_seq}): {what}; "
        f"persons {persons_left}"
    )


def _refs(store: CaseStore, values: list[str]) -> list[str]:
    from darkroom.identity.queries import resolve_record  # noqa: PLC0415

    with store.read() as conn:
        return [resolve_record(conn, value) for value in values]


@person_app.command("merge")
def merge(
    person_id: Annotated[int, typer.Argument(help="The person that stays.")],
    other_id: Annotated[int, typer.Argument(help="The person merged into it.")],
    reason: ReasonOption,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Two persons are one: every record of the second joins the first (audited, wins on re-runs)."""
    from darkroom.identity.decisions import merge_persons  # noqa: PLC0415

    with opened_case(case) as store:
        outcome = merge_persons(store, actor_name(actor), person_id, other_id, reason)
    _report(outcome, f"person {other_id} merged into {person_id}")


@person_app.command("split")
def split(
    person_id: Annotated[int, typer.Argument(help="The person to split.")],
    account: AccountsOption,
    reason: ReasonOption,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """The given accounts (or cards) are someone else: they leave and form a person of their own."""
    from darkroom.identity.decisions import split_person  # noqa: PLC0415

    with opened_case(case) as store:
        outcome = split_person(store, actor_name(actor), person_id, _refs(store, account), reason)
    _report(outcome, f"{len(account)} records split off person {person_id}")


@person_app.command("confirm")
def confirm(
    person_id: Annotated[int, typer.Argument(help="The person whose links are confirmed.")],
    reason: ReasonOption,
    account: Annotated[
        list[str] | None, typer.Option("--account", help="Only these records' links (repeatable).")
    ] = None,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Confirm the person's links (all, or the given accounts'): model links stop being model-only."""
    from darkroom.identity.decisions import confirm_person  # noqa: PLC0415

    with opened_case(case) as store:
        outcome = confirm_person(store, actor_name(actor), person_id, _refs(store, account or []), reason)
    _report(outcome, f"links of person {person_id} confirmed")


@person_app.command("reject-link")
def reject(
    person_id: Annotated[int, typer.Argument(help="The person the record was linked to.")],
    account: Annotated[
        str, typer.Option("--account", help="The account (or contact:ID) that is not this person.")
    ],
    reason: ReasonOption,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """The account is not this person: it leaves, and no re-run links it back."""
    from darkroom.identity.decisions import reject_link  # noqa: PLC0415

    with opened_case(case) as store:
        ref = _refs(store, [account])[0]
        outcome = reject_link(store, actor_name(actor), person_id, ref, reason)
    _report(outcome, f"{ref} is not person {person_id}")
