"""JSON API for the dynamic parts of phase 2: the network view (neighbourhood, expand, community),
leads with marks, and identity decisions. Same login, membership, clearance and audit rules.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from darkroom.network.marks import MarkStatus
from darkroom.web import actions
from darkroom.web.access import not_found
from darkroom.web.deps import Viewer
from darkroom.web.queries import graph_view, leads_view
from darkroom.web.queries.graph_view import GraphView
from darkroom.web.routes.api import PageOut

router = APIRouter(prefix="/api")
RowId = Annotated[int, Path(ge=1, le=2**53)]
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]
Kinds = Annotated[list[str] | None, Query(alias="kind", max_length=10)]
Cap = Annotated[int, Query(ge=1, le=graph_view.MAX_NODES)]


class GraphNode(BaseModel):
    node_key: str
    label: str
    person_id: int | None
    account_id: int | None
    community: int | None
    role: str | None
    degree: int
    weighted_degree: float
    betweenness: float
    seized_owner: bool
    restricted: bool


class GraphEdge(BaseModel):
    id: int
    source_key: str
    target_key: str
    kind: str
    directed: bool
    count: int
    weight: float
    first_at_utc: str | None
    last_at_utc: str | None


class GraphOut(BaseModel):
    """Nodes and edges to draw; `capped` says more nodes exist than the `cap` shown, `edges_capped`
    that only the strongest edges among them are given."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    capped: bool
    cap: int
    edges_capped: bool


class MarkIn(BaseModel):
    status: MarkStatus
    reason: str = Field(min_length=1, max_length=2000)


class MarkOut(BaseModel):
    decision_id: int
    audit_seq: int
    subjects: list[str]


class DecisionIn(BaseModel):
    """`refs` are the person's records (`account:ID`, `contact:ID`); `other` the person merged in."""

    kind: actions.DecisionKind
    reason: str = Field(min_length=1, max_length=2000)
    refs: list[str] = Field(default_factory=list, max_length=500)
    other: int | None = Field(default=None, ge=1, le=2**53)


class DecisionOut(BaseModel):
    decision_id: int
    audit_seq: int
    persons: list[int]


def _graph(found: GraphView) -> GraphOut:
    return GraphOut(
        nodes=[GraphNode(**{k: n[k] for k in GraphNode.model_fields}) for n in found.nodes],
        edges=[GraphEdge(**e) for e in found.edges],
        capped=found.capped,
        cap=found.cap,
        edges_capped=found.edges_capped,
    )


@router.get("/cases/{case_id}/network/neighbourhood")
def neighbourhood(
    view: Viewer,
    node: Annotated[str, Query(min_length=1, max_length=100)],
    kinds: Kinds = None,
    cap: Cap = graph_view.MAX_NODES,
) -> GraphOut:
    """A node (`person:ID` / `account:ID`) and its strongest neighbours, at most `cap` nodes; expanding
    a node in the view asks for this with a small cap. `kind` filters edge kinds (repeatable)."""
    with view.case.store.read() as conn:
        found = (
            graph_view.neighbourhood(conn, view, node, kinds, cap) if graph_view.has_network(conn) else None
        )
    if found is None:
        raise not_found("no such node")
    return _graph(found)


@router.get("/cases/{case_id}/network/communities/{community}")
def community(
    view: Viewer,
    community: Annotated[int, Path(ge=0, le=2**31)],
    kinds: Kinds = None,
    cap: Cap = graph_view.MAX_NODES,
) -> GraphOut:
    """The best-connected members of a community (at most `cap`) and the edges among them."""
    with view.case.store.read() as conn:
        if not graph_view.has_network(conn):
            raise not_found("the case has no network yet")
        found = graph_view.community(conn, view, community, kinds, cap)
    if not found.nodes:
        raise not_found("no such community")
    return _graph(found)


@router.get("/cases/{case_id}/leads")
def leads(view: Viewer, closed: bool = False, page_number: PageNo = 1) -> PageOut:
    """Leads by rank with their reasons (restricted ones only with clearance)."""
    with view.case.store.read() as conn:
        if not graph_view.has_network(conn):
            return PageOut(items=[], page=page_number, has_next=False)
        found = leads_view.leads_page(conn, view, page_number, closed)
    return PageOut(items=found.items, page=found.number, has_next=found.has_next)


@router.get("/cases/{case_id}/leads/{lead_id}")
def lead(view: Viewer, lead_id: RowId) -> dict[str, Any]:
    """One lead with reasons, evidence (exhibit, file, locator) and marks."""
    with view.case.store.read() as conn:
        found = leads_view.lead_page(conn, view, lead_id) if graph_view.has_network(conn) else None
    if found is None:
        raise not_found("no such lead")
    return found


@router.post("/cases/{case_id}/leads/{lead_id}/mark")
def mark(view: Viewer, lead_id: RowId, body: MarkIn) -> MarkOut:
    """Identify or dismiss a lead with a reason (leads and investigators; audited)."""
    done = actions.mark_lead(view, lead_id, body.status, body.reason)
    return MarkOut(decision_id=done.decision_id, audit_seq=done.audit_seq, subjects=list(done.subjects))


@router.post("/cases/{case_id}/persons/{person_id}/decisions")
def decide(view: Viewer, person_id: RowId, body: DecisionIn) -> DecisionOut:
    """Merge, split, confirm or reject a link (leads and investigators; audited with the user)."""
    done = actions.decide(view, body.kind, person_id, body.refs, body.other, body.reason)
    return DecisionOut(decision_id=done.decision_id, audit_seq=done.audit_seq, persons=list(done.persons))
