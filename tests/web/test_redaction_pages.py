"""An uncleared viewer reads no restricted name in the metadata around the evidence: file paths,
chat titles, locators, on the pages and in the API. A cleared viewer reads the real path.

Message bodies are evidence, shown as recorded (a body may name anyone): HTML is checked with the
message bodies and search snippets cut out (`_metadata_of`), JSON on its metadata fields only.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import Connection

from darkroom.web import redaction
from tests.web.conftest import WebCase

LABEL = "[restricted]"
_BODIES = re.compile(r'<div class="(?:body|snippet)">.*?</div>', re.DOTALL)


def _metadata_of(html: str) -> str:
    """A page without its message bodies and search snippets (evidence text, not redacted)."""
    return _BODIES.sub("", html)


def _leaked(web_case: WebCase, *texts: Any) -> list[str]:
    """The restricted person's label or handle wherever it appears in these metadata texts, any case."""
    names = [web_case.restricted_label.casefold(), web_case.restricted_handle.casefold()]
    return [n for text in texts for n in names if n in str(text).casefold()]


def _leaked_on(web_case: WebCase, html: str) -> list[str]:
    """The label or handle as a word of their own on a page without message bodies: a public
    account's handle may begin with the label ("Daniel Strand" beside "Daniel S") and is shown."""
    names = {web_case.restricted_label, web_case.restricted_handle}
    return [n for n in names if re.search(rf"(?<![^\W_]){re.escape(n)}(?![^\W_])", _metadata_of(html), re.I)]


def _db(web_case: WebCase, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(web_case.case_dir / "case.db") as db:
        return db.execute(sql, params).fetchall()


def _conversation_file(web_case: WebCase) -> str:
    (path,) = _db(
        web_case,
        "SELECT f.display_path FROM conversations c JOIN files f ON f.id = c.file_id WHERE c.id = ?",
        web_case.conversation_with_restricted,
    )[0]
    # The case is meaningful only when the export's name names the restricted person.
    assert web_case.restricted_label.casefold() in str(path).casefold()
    return str(path)


def _message_meta(message: dict[str, Any]) -> list[Any]:
    return [message["file"], message["locator"], [a["name"] for a in message["attachments"]]]


def test_the_conversation_page_and_its_api_name_no_restricted_person(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    path = _conversation_file(web_case)
    api = f"/api/cases/{web_case.case_id}/conversations/{web_case.conversation_with_restricted}"
    found = ivan.get(api).json()
    header = found["conversation"]
    assert LABEL in header["file"]
    assert not _leaked(web_case, header["title"], header["file"], header["locator"], header["external_id"])
    assert found["messages"]["items"]
    assert not _leaked(web_case, *(_message_meta(m) for m in found["messages"]["items"]))
    page = ivan.get(api.removeprefix("/api"))
    assert page.status_code == 200 and not _leaked_on(web_case, page.text)
    cleared = lena.get(api).json()
    assert cleared["conversation"]["file"] == path
    assert {m["file"] for m in cleared["messages"]["items"]} == {path}
    assert str(escape(path)) in lena.get(api.removeprefix("/api")).text


def test_the_conversation_list_page_holding_it_names_no_restricted_person(
    web_case: WebCase, ivan: httpx.Client
) -> None:
    conversation = web_case.conversation_with_restricted
    (before,) = _db(web_case, "SELECT COUNT(*) FROM conversations WHERE id < ?", conversation)[0]
    number = int(before) // 50 + 1
    listing = f"/api/cases/{web_case.case_id}/conversations"
    items = ivan.get(listing, params={"page": number}).json()["items"]
    row = next(r for r in items if r["id"] == conversation)
    assert LABEL in row["file"]
    assert not _leaked(web_case, *([r["title"], r["file"], r["locator"]] for r in items))
    page = ivan.get(listing.removeprefix("/api"), params={"page": number})
    assert f"/conversations/{conversation}" in page.text and not _leaked_on(web_case, page.text)


def _rare_word(web_case: WebCase) -> tuple[str, str]:
    """A word of one of the conversation's messages with the fewest hits in the case, and its exhibit."""
    rows = _db(
        web_case,
        "SELECT m.body, e.ref FROM messages m JOIN exhibits e ON e.id = m.exhibit_id "
        "WHERE m.conversation_id = ? AND m.body IS NOT NULL",
        web_case.conversation_with_restricted,
    )
    words = {(w, str(ref)) for body, ref in rows for w in re.findall(r"\b[a-z]{4,}\b", str(body).lower())}
    label = web_case.restricted_label.casefold()
    counted = [
        (_db(web_case, "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?", w)[0][0], w, ref)
        for w, ref in sorted(words)
        if w not in label
    ]
    _, word, exhibit = min(c for c in counted if c[0] > 0)
    return word, exhibit


def test_a_search_hit_in_it_names_no_restricted_person(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    path = _conversation_file(web_case)
    word, exhibit = _rare_word(web_case)
    url = f"/api/cases/{web_case.case_id}/search"
    params = {"q": word, "exhibit": exhibit}
    hits = ivan.get(url, params=params).json()["items"]
    ours = [h for h in hits if h["conversation_id"] == web_case.conversation_with_restricted]
    assert ours and all(LABEL in h["file"] for h in ours)
    assert not _leaked(web_case, *([h["title"], h["file"], h["locator"]] for h in hits))
    page = ivan.get(url.removeprefix("/api"), params=params)
    assert f"/messages/{ours[0]['id']}" in page.text and not _leaked_on(web_case, page.text)
    cleared = lena.get(url, params=params).json()["items"]
    assert path in {h["file"] for h in cleared}


def test_the_files_page_names_no_restricted_person(web_case: WebCase, ivan: httpx.Client) -> None:
    path = _conversation_file(web_case)
    (file_id, before) = _db(
        web_case,
        "SELECT f.id, (SELECT COUNT(*) FROM file_parses q WHERE q.status = 'parsed' AND q.file_id < f.id) "
        "FROM files f WHERE f.display_path = ?",
        path,
    )[0]
    params: dict[str, str | int] = {"status": "parsed", "page": int(before) // 50 + 1}
    rows = ivan.get(f"/api/cases/{web_case.case_id}/files", params=params).json()["items"]
    assert LABEL in next(r["path"] for r in rows if r["id"] == file_id)
    assert not _leaked(web_case, *([r["path"], r["error"]] for r in rows))
    assert not _leaked_on(web_case, ivan.get(f"/cases/{web_case.case_id}/files", params=params).text)


def test_the_names_are_loaded_once_per_request_and_never_for_a_cleared_viewer(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = redaction.restricted_names

    def counted(conn: Connection) -> set[str]:
        calls.append(1)
        return original(conn)

    monkeypatch.setattr(redaction, "restricted_names", counted)
    page = f"/cases/{web_case.case_id}/conversations/{web_case.conversation_with_restricted}"
    assert ivan.get(page).status_code == 200 and len(calls) == 1  # the header and every message
    assert lena.get(page).status_code == 200 and len(calls) == 1


@pytest.fixture
def restrict_also(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Names to treat as restricted besides the case's own, for pages the demo's restricted person
    leaves no trace on (a path or title is added here, as if it named a restricted person)."""
    extra: set[str] = set()
    original = redaction.restricted_names
    monkeypatch.setattr(redaction, "restricted_names", lambda conn: original(conn) | extra)
    yield extra


def test_a_lead_page_redacts_its_evidence_paths(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client, restrict_also: set[str]
) -> None:
    api = f"/api/cases/{web_case.case_id}/leads"
    lead_ids = [lead["lead_id"] for lead in ivan.get(api).json()["items"]]
    lead, row = next(
        (lead_id, e)
        for lead_id in lead_ids
        for e in lena.get(f"{api}/{lead_id}").json()["evidence"]
        if e["kind"] == "conversation" and not e.get("missing") and e["file"]
    )
    restrict_also.add(row["file"])
    shown = [
        e
        for e in ivan.get(f"{api}/{lead}").json()["evidence"]
        if e["kind"] == "conversation" and e.get("id") == row["id"]
    ]
    assert shown and all(e["file"] == LABEL for e in shown)
    assert str(escape(row["file"])) not in ivan.get(f"{api.removeprefix('/api')}/{lead}").text
    assert str(escape(row["file"])) in lena.get(f"{api.removeprefix('/api')}/{lead}").text


def test_a_media_item_and_the_grid_redact_paths_and_the_senders_chats(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client, restrict_also: set[str]
) -> None:
    (file_id,) = _db(web_case, "SELECT MIN(file_id) FROM media_message_links")[0]
    api = f"/api/cases/{web_case.case_id}/media/{file_id}"
    real = lena.get(api).json()
    titled = [s for s in real["senders"] if s["conversation"] and len(s["conversation"]) >= 3]
    assert titled
    restrict_also.update(
        {real["path"], titled[0]["conversation"], *(s["source_file"] for s in real["senders"])}
    )
    shown = ivan.get(api).json()
    assert shown["path"] == LABEL
    assert all(s["source_file"] == LABEL for s in shown["senders"])
    assert titled[0]["conversation"] not in {s["conversation"] for s in shown["senders"]}
    page = ivan.get(api.removeprefix("/api")).text
    assert (
        str(escape(real["path"])) not in page
        and str(escape(real["path"])) in lena.get(api.removeprefix("/api")).text
    )
    grid = ivan.get(f"/api/cases/{web_case.case_id}/media", params={"show": "all"}).json()["items"]
    assert [r["path"] for r in grid if r["file_id"] == file_id] in ([LABEL], [])
    assert real["path"] not in {r["path"] for r in grid}


def test_a_person_page_redacts_its_cards_names_and_provenance(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client, restrict_also: set[str]
) -> None:
    rows = _db(
        web_case,
        "SELECT k.person_id, c.display_name, f.display_path FROM person_contacts k "
        "JOIN persons p ON p.id = k.person_id JOIN contacts c ON c.id = k.contact_id "
        "JOIN files f ON f.id = c.file_id WHERE p.restricted = 0 AND p.retired_at_utc IS NULL "
        "AND length(c.display_name) >= 3 ORDER BY k.person_id LIMIT 1",
    )
    person_id, card_name, card_path = rows[0]
    restrict_also.update({card_name, card_path})
    api = f"/api/cases/{web_case.case_id}/persons/{person_id}"
    cards = [m for m in ivan.get(api).json()["members"] if m["kind"] == "contact"]
    assert cards and all(card_path not in m["provenance"] and card_name not in m["names"] for m in cards)
    assert any(LABEL in m["provenance"] for m in cards) and any(LABEL in m["names"] for m in cards)
    real = [m for m in lena.get(api).json()["members"] if m["kind"] == "contact"]
    assert any(card_path in m["provenance"] for m in real)
    assert str(escape(card_path)) not in ivan.get(api.removeprefix("/api")).text


def test_the_alerts_and_the_dashboard_name_no_restricted_person(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client, restrict_also: set[str]
) -> None:
    url = f"/api/cases/{web_case.case_id}/alerts"
    messages = [m for a in ivan.get(url, params={"inactive": True}).json()["items"] for m in a["messages"]]
    assert messages
    assert not _leaked(web_case, *([m["path"], m["conversation"], m["locator"]] for m in messages))
    for page in (f"/cases/{web_case.case_id}/alerts?inactive=true", f"/cases/{web_case.case_id}"):
        assert not _leaked_on(web_case, ivan.get(page).text), page
    # The demo's alerts may come from other chats: a raising message's file is treated as restricted.
    real = [m for a in lena.get(url, params={"inactive": True}).json()["items"] for m in a["messages"]]
    restrict_also.add(real[0]["path"])
    shown = [m for a in ivan.get(url, params={"inactive": True}).json()["items"] for m in a["messages"]]
    assert [m["path"] for m in shown if m["message_id"] == real[0]["message_id"]] == [LABEL]
    page = ivan.get(f"/cases/{web_case.case_id}/alerts?inactive=true").text
    assert str(escape(real[0]["path"])) not in page
    assert str(escape(real[0]["path"])) in lena.get(f"/cases/{web_case.case_id}/alerts?inactive=true").text


def test_a_cleared_colleagues_note_naming_a_restricted_person_is_redacted(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    """Notes are typed by the team: one written by a cleared lead may name an undercover officer."""
    case = f"/cases/{web_case.case_id}"
    body = f"Spoke to {web_case.restricted_label} about this one; keep apart from the others"
    note = {"kind": "person", "subject_id": web_case.public_person, "body": body}
    assert lena.post(f"/api{case}/notes", json=note).status_code == 201
    page = f"{case}/persons/{web_case.public_person}"
    assert body in lena.get(page).text or str(escape(body)) in lena.get(page).text
    seen = ivan.get(page).text
    assert "about this one; keep apart from the others" in seen
    assert not _leaked_on(web_case, seen)
