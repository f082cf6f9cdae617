"""Search never ranks every hit: stored order pages through all of them by rowid (keyset),
relevance ranks only the newest hits and says when there were more."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from darkroom.web.queries import comms
from tests.web.conftest import WebCase


def _common_word(web_case: WebCase) -> tuple[str, int]:
    with sqlite3.connect(web_case.case_dir / "case.db") as db:
        for word in ("the", "you", "and", "ok", "to"):
            count = db.execute(
                "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?", (word,)
            ).fetchone()
            if count[0] > 120:
                return word, int(count[0])
    pytest.fail("the demo case has no common word")


def test_stored_order_pages_through_every_hit_newest_stored_first(
    web_case: WebCase, lena: httpx.Client
) -> None:
    word, count = _common_word(web_case)
    url = f"/api/cases/{web_case.case_id}/search"
    seen: list[int] = []
    params: dict[str, str | int] = {"q": word}
    while True:
        page = lena.get(url, params=params).json()
        assert page["order"] == "stored" and page["capped"] is False
        seen.extend(hit["id"] for hit in page["items"])
        if not page["has_next"]:
            break
        params = {"q": word, "before": page["next_before"]}
    assert len(seen) == len(set(seen)) == count
    assert seen == sorted(seen, reverse=True)
    html = lena.get(f"/cases/{web_case.case_id}/search", params={"q": word}).text
    assert "last stored first" in html and "before=" in html


def test_relevance_ranks_only_the_newest_hits_and_says_so(
    web_case: WebCase, lena: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    word, count = _common_word(web_case)
    url = f"/api/cases/{web_case.case_id}/search"
    page = lena.get(url, params={"q": word, "order": "relevance"}).json()
    assert page["order"] == "relevance" and len(page["items"]) == 50
    assert page["capped"] is (count > comms.RELEVANCE_CANDIDATES)
    assert all(f"[{word}" in hit["snippet"].lower() for hit in page["items"])
    monkeypatch.setattr(comms, "RELEVANCE_CANDIDATES", 60)
    html = lena.get(f"/cases/{web_case.case_id}/search", params={"q": word, "order": "relevance"}).text
    assert "Ranked by relevance among the newest 60 hits" in html and "see every hit in stored order" in html
