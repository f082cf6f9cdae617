"""The case's category scheme: every hash set's own category values map to one closed set.

Case categories:
  illegal-A, illegal-B, illegal-C   UK grades (A penetrative/animal/sadism, B non-penetrative, C other)
  illegal                          CSAM without a grade
  exploitative                     age-difficult or child-exploitive, not illegal
  non-pertinent                    not of interest (VICS 0)
  known-good                       NSRL and other known-good sets: excluded from review

Default maps, by scheme (the scheme of a set is chosen at import: the VICS model, or --scheme):
  vics         0 → non-pertinent, 1 → illegal, 2 → exploitative. The meaning of 3 and above varies
               between agencies and tools, so they stay "unmapped:<value>" until the case maps them.
  vics-uk      A/B/C → illegal-A/B/C, 0 → non-pertinent.
  nsrl         every value → known-good.
  csv          values that already are case categories pass through.
  vics-custom and any other scheme: no defaults.
Anything not mapped is "unmapped:<value>"; an entry without a category has the value "(none)".
Rows of `category_map` (set with `set_mapping`, audited) override the defaults. Source values compare
case-insensitively after trimming.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Final, Literal, get_args

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.media.hashsets.base import NO_CATEGORY
from darkroom.store import CaseStore

CaseCategory = Literal[
    "illegal-A", "illegal-B", "illegal-C", "illegal", "exploitative", "non-pertinent", "known-good"
]
CASE_CATEGORIES: Final[tuple[str, ...]] = get_args(CaseCategory)
# The categories that make a file evidence of an offence (every one but non-pertinent and known-good).
PERTINENT_CATEGORIES: Final = frozenset(CASE_CATEGORIES) - {"non-pertinent", "known-good"}
UNMAPPED_PREFIX = "unmapped:"
BUILTIN_SCHEMES = ("csv", "nsrl", "vics", "vics-custom", "vics-uk")
DEFAULT_MAPS: Final[dict[str, dict[str, str]]] = {
    "vics": {"0": "non-pertinent", "1": "illegal", "2": "exploitative"},
    "vics-uk": {"a": "illegal-A", "b": "illegal-B", "c": "illegal-C", "0": "non-pertinent"},
}
_BY_FOLDED = {category.casefold(): category for category in CASE_CATEGORIES}
_CACHE: weakref.WeakKeyDictionary[Connection, dict[tuple[str, str], str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class CategoryMapping:
    """One line of the effective map: where it comes from is "default" or "case" (a category_map row)."""

    scheme: str
    source_value: str
    category: str
    origin: Literal["default", "case"]


def source_key(source_value: str | None) -> str:
    """A source value as compared: trimmed and case-folded; no value is "(none)"."""
    value = (source_value or "").strip()
    return (value or NO_CATEGORY).casefold()


def default_category(scheme: str, source_value: str | None) -> str:
    """The built-in view of a source value: a case category, or "unmapped:<value>"."""
    key = source_key(source_value)
    if scheme == "nsrl":
        return "known-good"
    if scheme == "csv" and key in _BY_FOLDED:
        return _BY_FOLDED[key]
    mapped = DEFAULT_MAPS.get(scheme, {}).get(key)
    if mapped is not None:
        return mapped
    return UNMAPPED_PREFIX + ((source_value or "").strip() or NO_CATEGORY)


def _case_rows(conn: Connection) -> dict[tuple[str, str], str]:
    rows = conn.execute(text("SELECT scheme, source_value, category FROM category_map"))
    return {(row.scheme, source_key(row.source_value)): row.category for row in rows}


def case_category(conn: Connection, scheme: str, source_value: str | None) -> str:
    """The case's category for a source value: a category_map row, else the default.

    The case's rows are read once per connection (one `store.read()`/`write()` block) and cached.
    """
    rows = _CACHE.get(conn)
    if rows is None:
        rows = _case_rows(conn)
        _CACHE[conn] = rows
    mapped = rows.get((scheme, source_key(source_value)))
    return mapped if mapped is not None else default_category(scheme, source_value)


def validate_category(category: str) -> str:
    """One of the case categories (any letter case), spelt as the case spells it."""
    found = _BY_FOLDED.get(category.strip().casefold())
    if found is None:
        msg = f"unknown category {category!r}; use one of {', '.join(CASE_CATEGORIES)}"
        raise InvalidInput(msg)
    return found


def _known_schemes(conn: Connection) -> set[str]:
    imported = {str(row[0]) for row in conn.execute(text("SELECT DISTINCT scheme FROM hashsets"))}
    return imported | set(BUILTIN_SCHEMES)


def set_mapping(
    store: CaseStore, scheme: str, source_value: str, category: str, actor: str
) -> CategoryMapping:
    """Map a scheme's source value to a case category for this case (replaces an earlier row; audited)."""
    value = source_value.strip()
    if not value:
        msg = f"give the source value to map (use {NO_CATEGORY!r} for entries without a category)"
        raise InvalidInput(msg)
    chosen = validate_category(category)
    with store.write() as conn:
        schemes = _known_schemes(conn)
        if scheme not in schemes:
            msg = f"unknown scheme {scheme!r}; this case has {', '.join(sorted(schemes))}"
            raise InvalidInput(msg)
        before = case_category(conn, scheme, value)
        _delete_rows(conn, scheme, value)
        conn.execute(
            text("INSERT INTO category_map (scheme, source_value, category) VALUES (:scheme, :value, :cat)"),
            {"scheme": scheme, "value": value, "cat": chosen},
        )
        details = {"scheme": scheme, "source_value": value, "category": chosen, "before": before}
        audit.append(conn, actor, "hashset.category.map", f"category:{scheme}:{value}", details)
        _CACHE.pop(conn, None)
    return CategoryMapping(scheme, value, chosen, "case")


def clear_mapping(store: CaseStore, scheme: str, source_value: str, actor: str) -> str:
    """Drop the case's row for a source value, so the default applies again; returns that default."""
    value = source_value.strip()
    with store.write() as conn:
        before = case_category(conn, scheme, value)
        if not _delete_rows(conn, scheme, value):
            msg = f"the case has no mapping of {scheme} {value!r} (it is {before} by default)"
            raise InvalidInput(msg)
        after = default_category(scheme, value)
        details = {"scheme": scheme, "source_value": value, "before": before, "category": after}
        audit.append(conn, actor, "hashset.category.unmap", f"category:{scheme}:{value}", details)
        _CACHE.pop(conn, None)
    return after


def _delete_rows(conn: Connection, scheme: str, value: str) -> int:
    """Delete the rows of a scheme whose source value compares equal to `value`; returns how many."""
    rows = conn.execute(
        text("SELECT source_value FROM category_map WHERE scheme = :scheme"), {"scheme": scheme}
    )
    doomed = [row.source_value for row in rows if source_key(row.source_value) == source_key(value)]
    for source_value in doomed:
        conn.execute(
            text("DELETE FROM category_map WHERE scheme = :scheme AND source_value = :value"),
            {"scheme": scheme, "value": source_value},
        )
    return len(doomed)


def mappings(conn: Connection) -> list[CategoryMapping]:
    """The effective map: the defaults, with the case's rows replacing or adding to them."""
    effective: dict[tuple[str, str], CategoryMapping] = {}
    for scheme, defaults in DEFAULT_MAPS.items():
        for key, category in defaults.items():
            value = key.upper() if scheme == "vics-uk" else key
            effective[(scheme, key)] = CategoryMapping(scheme, value, category, "default")
    effective[("nsrl", "*")] = CategoryMapping("nsrl", "*", "known-good", "default")
    for category in CASE_CATEGORIES:
        effective[("csv", category.casefold())] = CategoryMapping("csv", category, category, "default")
    for row in conn.execute(text("SELECT scheme, source_value, category FROM category_map")):
        row_key = (str(row.scheme), source_key(row.source_value))
        effective[row_key] = CategoryMapping(row.scheme, row.source_value, row.category, "case")
    return sorted(effective.values(), key=lambda m: (m.scheme, m.source_value.casefold()))


def to_vics_code(category: str) -> int:
    """The VICS (Default model) code of a case category, for export: 0, 1 or 2."""
    codes = {"non-pertinent": 0, "known-good": 0, "exploitative": 2}
    chosen = validate_category(category)
    return codes.get(chosen, 1)
