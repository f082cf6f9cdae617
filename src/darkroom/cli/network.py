"""`darkroom network …` (build, summary, expand, export), `darkroom leads` and `darkroom lead …`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    ClearanceOption,
    JsonOption,
    actor_name,
    emit_jsonl,
    opened_case,
    out,
)
from darkroom.errors import InvalidInput

if TYPE_CHECKING:
    from darkroom.network.build import BuildSummary
    from darkroom.network.marks import MarkStatus

app = typer.Typer(
    help="The network of persons and accounts: build, summary, expand, export.", no_args_is_help=True
)
lead_app = typer.Typer(help="One lead: show it, mark it identified or dismissed.", no_args_is_help=True)

LeadArgument = Annotated[
    str, typer.Argument(help="The lead's number (from `darkroom leads`) or key (account:12).")
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept in decisions and the audit log).")]
NETWORK_FORMATS = ("graphml", "gexf", "csv")  # the exporters `network export` is an alias for


def run_network_stage(store: Any, actor: str) -> BuildSummary:
    """Build the network and rank leads; prints a short summary (used by `analyse` too)."""
    from darkroom.network.build import run_network  # noqa: PLC0415 - igraph is heavy; start-up stays fast

    summary = run_network(store, actor)
    kinds = ", ".join(f"{kind} {count}" for kind, count in summary.edges_by_kind.items())
    owners = f"{summary.exhibits_with_owner} of {summary.exhibits} exhibits with a known owner"
    out().print(
        f"network: {summary.nodes} nodes ({summary.connected_nodes} with edges), {summary.edges} edges "
        f"({kinds}), {summary.communities} communities; {owners}; betweenness "
        f"{'exact' if summary.betweenness_exact else 'range-limited'}; {summary.seconds:.1f} s",
        markup=False,
    )
    out().print(
        f"leads: {summary.leads.ranked} ranked, {summary.leads.dismissed} dismissed, "
        f"{summary.leads.known_suspects} known suspect nodes",
        markup=False,
    )
    return summary


@app.command("build")
def build(case: CaseOption = None, actor: ActorOption = None) -> None:
    """Build the graph from the store (replacing the last one), find communities and roles, rank leads."""
    with opened_case(case) as store:
        run_network_stage(store, actor_name(actor))


@app.command("summary")
def summary(
    case: CaseOption = None,
    top: Annotated[int, typer.Option("--top", help="Members shown per community.")] = 5,
    communities: Annotated[int, typer.Option("--communities", help="Communities shown.")] = 20,
    json_output: JsonOption = False,
) -> None:
    """Nodes, edges by kind, roles, and the largest communities with their best-connected members."""
    from darkroom.network.queries import network_summary  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        result = network_summary(conn, top, communities)
    if json_output:
        emit_jsonl([asdict(result)])
        return
    console = out()
    console.print(
        f"built {result.built_at_utc}: {result.nodes} nodes ({result.connected_nodes} with edges), "
        f"{result.community_count} communities",
        markup=False,
    )
    console.print("edges: " + ", ".join(f"{k} {v}" for k, v in result.edges_by_kind.items()), markup=False)
    console.print("roles: " + ", ".join(f"{k} {v}" for k, v in result.roles.items()), markup=False)
    table = Table("community", "size", "seized owners", "top members")
    for item in result.communities:
        table.add_row(
            str(item.community), str(item.size), str(item.seized_owners), "; ".join(item.top_members)
        )
    console.print(table)
    settings = result.settings.get("communities", {})
    console.print(
        f"Leiden: {settings.get('objective')} resolution {settings.get('resolution')}, "
        f"seed {settings.get('seed')}",
        markup=False,
    )


@app.command("expand")
def expand(
    seed: Annotated[
        str, typer.Option("--from", help="person:ID, account:ID, a person number or PLATFORM:HANDLE.")
    ],
    depth: Annotated[int, typer.Option("--depth", help="Steps from the seed.")] = 1,
    kinds: Annotated[
        list[str] | None, typer.Option("--kind", help="Only these edge kinds (repeatable).")
    ] = None,
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """The snowball from a seed suspect: every node reached within DEPTH steps, and by which edges."""
    from darkroom.network.queries import expand as snowball  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        reached = snowball(conn, seed, depth, set(kinds) if kinds else None)
    if json_output:
        emit_jsonl(asdict(r) for r in reached)
        return
    table = Table("depth", "node", "label", "via", "edges", "community", "role", "seized owner")
    for r in reached:
        table.add_row(
            str(r.depth),
            r.node_key,
            r.label,
            r.via or "-",
            ", ".join(r.via_kinds) or "-",
            "-" if r.community is None else str(r.community),
            r.role or "-",
            "yes" if r.seized_owner else "",
        )
    out().print(table)


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf or csv.")],
    out_path: Annotated[Path, typer.Option("--out", help="The file to write (a folder for csv).")],
    clearance: ClearanceOption = "standard",
    case: CaseOption = None,
    actor: ActorOption = None,
    json_output: JsonOption = False,
) -> None:
    """Export the network for Gephi (GraphML, GEXF) or as CSV nodes + edges: an alias of `darkroom export
    --format graphml|gexf|csv` (the same files and audit row); restricted nodes keep their place but not
    their names unless --clearance restricted."""
    from darkroom.cli.export import export_and_report  # noqa: PLC0415 - start-up

    if fmt.strip().lower() not in NETWORK_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; use {', '.join(NETWORK_FORMATS)}")
    export_and_report(fmt, out_path, clearance, case, actor, json_output)


def leads(
    case: CaseOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 50,
    include_closed: Annotated[
        bool, typer.Option("--all", help="Also identified and dismissed leads (after the open ones).")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Unknown accounts, persons and identifiers ranked by evidence of involvement, with reasons."""
    from darkroom.network.queries import list_leads  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        rows = list_leads(conn, limit, include_closed)
    if json_output:
        emit_jsonl(asdict(row) for row in rows)
        return
    table = Table("rank", "lead", "key", "label", "score", "status", "top reasons")
    for row in rows:
        reasons = "; ".join(str(r["text"]) for r in row.reasons[:3])
        table.add_row(
            "-" if row.rank is None else str(row.rank),
            str(row.lead_id),
            row.lead_key,
            row.label,
            f"{row.score:.2f}",
            row.status,
            reasons,
        )
    out().print(table)


@lead_app.command("show")
def show(lead: LeadArgument, case: CaseOption = None, json_output: JsonOption = False) -> None:
    """One lead: its score and reasons, its accounts and identifiers, the evidence, the marks on it."""
    from darkroom.network.queries import lead_detail  # noqa: PLC0415 - start-up

    with opened_case(case) as store, store.read() as conn:
        detail = lead_detail(conn, lead)
    if json_output:
        emit_jsonl([detail])
        return
    console = out()
    rank = "-" if detail["rank"] is None else detail["rank"]
    console.print(
        f"lead {detail['id']} {detail['lead_key']} {detail['label']}: rank {rank}, score "
        f"{detail['score']:.2f}, {detail['status']}",
        markup=False,
    )
    for reason in detail["reasons"]:
        console.print(f"  +{reason['points']:.2f}  {reason['text']}", markup=False)
    for account in detail["accounts"]:
        identifiers = ", ".join(f"{i['kind']} {i['value_norm']}" for i in account["identifiers"])
        console.print(f"  account {account['platform']}:{account['handle']}  {identifiers}", markup=False)
    for item in detail["evidence"]:
        console.print(f"  [{item['reason']}] {_evidence_line(item)}", markup=False)
        for message in item.get("sent_by_lead", []):
            where = f"{message['exhibit']}:{message['file']}:{message['locator']}"
            console.print(f"      their message at {message['sent_at_utc']} [{where}]", markup=False)
    for mark in detail["marks"]:
        console.print(
            f"  {mark['kind']} by {mark['actor']} at {mark['at_utc']}: {mark['reason']} "
            f"(audit row {mark['audit_seq']})",
            markup=False,
        )


def _evidence_line(item: dict[str, Any]) -> str:
    if item.get("missing"):
        return f"{item['kind']} {item['id']} (no longer in the case)"
    where = f"{item['exhibit']}:{item['file']}:{item['locator']}"
    if item["kind"] == "contact":
        return f"contact card {item['display_name']!r} [{where}]"
    if item["kind"] == "conversation":
        title = item["title"] or ("group" if item["is_group"] else "chat")
        return f"{item['platform']} {title!r}, {item['messages']} messages [{where}]"
    return f"message sent {item['sent_at_utc']} [{where}]"


def _mark(lead: str, status: MarkStatus, reason: str, case: Path | None, actor: str | None) -> None:
    from darkroom.network.leads import refresh_leads  # noqa: PLC0415 - start-up
    from darkroom.network.marks import mark_lead  # noqa: PLC0415
    from darkroom.network.settings import LeadWeights  # noqa: PLC0415

    with opened_case(case) as store:
        mark = mark_lead(store, lead, status, reason, actor_name(actor))
        refreshed = refresh_leads(store, LeadWeights())
    out().print(
        f"lead {mark.lead.lead_id} {mark.lead.lead_key} ({mark.lead.label}) marked {status}, covering "
        f"{', '.join(mark.subjects)}; decision {mark.decision_id}; {refreshed.ranked} leads ranked",
        markup=False,
    )


@lead_app.command("identify")
def identify(
    lead: LeadArgument, reason: ReasonOption, case: CaseOption = None, actor: ActorOption = None
) -> None:
    """Mark a lead identified (a known person now); it leaves the ranking and counts as a known suspect."""
    _mark(lead, "identified", reason, case, actor)


@lead_app.command("dismiss")
def dismiss(
    lead: LeadArgument, reason: ReasonOption, case: CaseOption = None, actor: ActorOption = None
) -> None:
    """Dismiss a lead (not involved); it leaves the ranking and stays dismissed on every re-run."""
    _mark(lead, "dismissed", reason, case, actor)
