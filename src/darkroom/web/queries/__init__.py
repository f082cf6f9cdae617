"""Read-side SQL for the web pages and API: every list is paginated, never a whole table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

PER_PAGE: Final = 50
MAX_PAGE: Final = 100_000


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows; `has_next` comes from fetching one row more than shown (no COUNT)."""

    items: list[dict[str, Any]]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def clamp_page(number: int) -> int:
    """A page number in range (1 … MAX_PAGE)."""
    return min(max(number, 1), MAX_PAGE)


def page_of(rows: list[dict[str, Any]], number: int, per_page: int) -> Page:
    """Cut the extra row fetched to learn whether a next page exists."""
    return Page(rows[:per_page], number, per_page, len(rows) > per_page)


def limits(number: int, per_page: int = PER_PAGE) -> dict[str, int]:
    """LIMIT/OFFSET bind values for a page (one row more than shown)."""
    return {"limit": per_page + 1, "offset": (clamp_page(number) - 1) * per_page}
