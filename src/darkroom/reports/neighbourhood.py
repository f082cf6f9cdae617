"""The network around the suspect as a figure: his messaging partners, drawn as a star (igraph's
layout, so it is the same on every run) with a line between partners who share a conversation.

Partners are grouped by person when identity resolution linked their accounts, else shown as the
account. A restricted partner is drawn as `[restricted]`. The SVG is written here by hand (no
plotting library), every label escaped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape
from itertools import combinations

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED
from darkroom.reports.scope import SuspectScope
from darkroom.reports.sections import Neighbourhood, Partner, Unavailable

MAX_PARTNERS = 24
WIDTH, HEIGHT, MARGIN = 720, 460, 160  # user units; the side margins hold the labels
PRINT_WIDTH_MM = 170
LABEL_CHARS = 28

_PARTNERS_SQL = text(
    """
    WITH conv AS (SELECT value AS id FROM json_each(:c)),
    parts AS (
        SELECT conversation_id, account_id FROM conversation_participants WHERE conversation_id IN conv
        UNION SELECT conversation_id, sender_account_id FROM messages
              WHERE conversation_id IN conv AND sender_account_id IS NOT NULL),
    sent AS (SELECT conversation_id, sender_account_id, COUNT(*) AS n FROM messages
             WHERE conversation_id IN conv GROUP BY conversation_id, sender_account_id)
    SELECT p.conversation_id, p.account_id, a.platform, a.handle, a.restricted,
           COALESCE(s.n, 0) AS messages, l.person_id, ps.label AS person_label,
           ps.restricted AS person_restricted
    FROM parts p JOIN accounts a ON a.id = p.account_id
    LEFT JOIN sent s ON s.conversation_id = p.conversation_id AND s.sender_account_id = p.account_id
    LEFT JOIN person_links l ON l.account_id = p.account_id LEFT JOIN persons ps ON ps.id = l.person_id
    WHERE p.account_id NOT IN (SELECT value FROM json_each(:a))
    """
)


@dataclass(slots=True)
class _Node:
    label: str
    messages: int
    conversations: set[int]


def _partners(conn: Connection, scope: SuspectScope) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    params = {"c": scope.ids_json("conversations"), "a": scope.ids_json("accounts")}
    for row in conn.execute(_PARTNERS_SQL, params):
        if row.person_id is not None:
            key = f"person:{row.person_id}"
            label = scope.shown(str(row.person_label), bool(row.person_restricted) or bool(row.restricted))
        else:
            key = f"account:{row.account_id}"
            label = scope.shown(f"{row.platform}:{row.handle}", bool(row.restricted))
        node = nodes.setdefault(key, _Node(label, 0, set()))
        node.label = REDACTED if REDACTED in (node.label, label) else node.label
        node.messages += int(row.messages)
        node.conversations.add(int(row.conversation_id))
    return nodes


# Characters XML 1.0 does not allow even escaped (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _short(label: str) -> str:
    """A label fit for the figure: characters XML cannot hold become "?", long ones are cut."""
    label = _NOT_XML.sub("?", label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _label(dx: float, dy: float, at: tuple[float, float], label: str, radius: float) -> str:
    """A partner's label outside its dot: beside it, or above/below it near the top and bottom."""
    x, y = at
    if abs(dx) < 0.1 * radius:
        anchor, x_at, y_at = "middle", x, y + (16 if dy > 0 else -10)
    else:
        anchor, x_at, y_at = ("start", x + 9, y + 3) if dx > 0 else ("end", x - 9, y + 3)
    return f'<text x="{x_at}" y="{y_at}" text-anchor="{anchor}">{escape(_short(label))}</text>'


def _svg(center_label: str, shown: list[_Node]) -> str:
    import igraph  # noqa: PLC0415 - heavy; only packages need it

    graph = igraph.Graph(n=len(shown) + 1, edges=[(0, i) for i in range(1, len(shown) + 1)])
    layout = graph.layout_star(center=0)
    xs, ys = [p[0] for p in layout.coords], [p[1] for p in layout.coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    diameter = min(WIDTH - 2 * MARGIN, HEIGHT - 60)  # a circle, not an ellipse

    def point(i: int) -> tuple[float, float]:
        x = WIDTH / 2 + (xs[i] - (min(xs) + max(xs)) / 2) / span * diameter
        y = HEIGHT / 2 + (ys[i] - (min(ys) + max(ys)) / 2) / span * diameter
        return round(x, 1), round(y, 1)

    lines, shapes = [], []
    for i, j in combinations(range(1, len(shown) + 1), 2):
        if shown[i - 1].conversations & shown[j - 1].conversations:
            (x1, y1), (x2, y2) = point(i), point(j)
            lines.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="co"/>')
    top = max((n.messages for n in shown), default=1) or 1
    for i, node in enumerate(shown, 1):
        (x1, y1), (x2, y2) = point(0), point(i)
        width = 0.6 + 3.4 * math.sqrt(node.messages / top)
        lines.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{width:.1f}" class="edge"/>'
        )
        shapes.append(f'<circle cx="{x2}" cy="{y2}" r="6" class="partner"/>')
        shapes.append(_label(x2 - x1, y2 - y1, (x2, y2), node.label, diameter / 2))
    cx, cy = point(0)
    shapes.append(f'<circle cx="{cx}" cy="{cy}" r="11" class="suspect"/>')
    center = escape(_short(center_label))
    box = 6 * len(_short(center_label)) + 10
    shapes.append(f'<rect x="{cx - box / 2:.1f}" y="{cy + 14}" width="{box}" height="15" class="plate"/>')
    shapes.append(f'<text x="{cx}" y="{cy + 25}" text-anchor="middle" class="suspect-label">{center}</text>')
    style = (
        "<style>.edge{stroke:#555}.co{stroke:#ccc;stroke-width:0.5;stroke-dasharray:3 3}"
        ".partner{fill:#4a78a8}.suspect{fill:#a83232}.plate{fill:#fff;stroke:#a83232;stroke-width:0.6}"
        "text{font:9px sans-serif;fill:#222}.suspect-label{font-weight:bold}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{PRINT_WIDTH_MM}mm" height="{PRINT_WIDTH_MM * HEIGHT / WIDTH:.0f}mm">'
        + style
        + "".join(lines)
        + "".join(shapes)
        + "</svg>"
    )


def neighbourhood(conn: Connection, scope: SuspectScope, suspect_label: str) -> Neighbourhood | Unavailable:
    """The suspect's messaging partners (busiest first, at most MAX_PARTNERS) and their figure."""
    if not scope.conversation_ids:
        return Unavailable("no conversation of the suspect's accounts is recorded in this case")
    nodes = sorted(
        _partners(conn, scope).values(), key=lambda n: (-n.messages, -len(n.conversations), n.label)
    )
    if not nodes:
        return Unavailable("the suspect's conversations have no other participant on record")
    shown = nodes[:MAX_PARTNERS]
    partners = tuple(Partner(n.label, n.messages, len(n.conversations)) for n in shown)
    return Neighbourhood(_svg(suspect_label, shown), "messaging-partners", partners)
