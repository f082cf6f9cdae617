"""The pages and their API twins on the demo case: what they show, paging, safe media viewing,
the audited reveal, bookmarks and notes."""

from __future__ import annotations

import io
import json
import re
import sqlite3

import httpx
from PIL import Image

from darkroom.web.render import highlight
from tests.web.conftest import WebCase, audit_rows


def _db(web_case: WebCase) -> sqlite3.Connection:
    return sqlite3.connect(web_case.case_dir / "case.db")


def test_dashboard_shows_counts_exhibits_and_coverage(web_case: WebCase, lena: httpx.Client) -> None:
    with _db(web_case) as db:
        messages = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        unsupported = db.execute("SELECT COUNT(*) FROM file_parses WHERE status = 'unsupported'").fetchone()[
            0
        ]
        refs = [r[0] for r in db.execute("SELECT ref FROM exhibits")]
    data = lena.get(f"/api/cases/{web_case.case_id}").json()
    assert data["counts"]["messages"] == messages > 1000
    assert data["coverage"]["totals"]["unsupported"] == unsupported > 0
    page = lena.get(f"/cases/{web_case.case_id}").text
    assert f"{messages:,}" in page and f"{unsupported:,} unsupported" in page
    assert all(ref in page for ref in refs)
    files = lena.get(f"/api/cases/{web_case.case_id}/files", params={"status": "unsupported"}).json()
    assert len(files["items"]) == 50 and files["has_next"] is (unsupported > 50)


def test_evidence_page_shows_custody_and_audit_page_the_chain(web_case: WebCase, lena: httpx.Client) -> None:
    evidence = lena.get(f"/cases/{web_case.case_id}/evidence").text
    assert "evidence.register" in evidence and "manifest SHA-256" in evidence
    audit = lena.get(f"/cases/{web_case.case_id}/audit").text
    assert "Chain intact" in audit
    rows = lena.get(f"/api/cases/{web_case.case_id}/audit", params={"action": "evidence."}).json()["items"]
    assert rows and all(r["action"].startswith("evidence.") for r in rows)


def test_conversation_shows_every_message_with_provenance_in_pages(
    web_case: WebCase, lena: httpx.Client
) -> None:
    with _db(web_case) as db:
        conv, count = db.execute(
            "SELECT conversation_id, COUNT(*) FROM messages GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        first = db.execute(
            "SELECT m.body, e.ref, f.display_path, m.locator FROM messages m "
            "JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id "
            "WHERE conversation_id = ? ORDER BY sent_at_utc, m.id LIMIT 1",
            (conv,),
        ).fetchone()
    url = f"/api/cases/{web_case.case_id}/conversations/{conv}"
    seen, number = [], 1
    while True:
        page = lena.get(url, params={"page": number}).json()["messages"]
        seen.extend(page["items"])
        if not page["has_next"]:
            break
        number += 1
    assert len(seen) == count
    assert (seen[0]["body"], seen[0]["exhibit"], seen[0]["file"], seen[0]["locator"]) == first
    html = lena.get(f"/cases/{web_case.case_id}/conversations/{conv}").text
    assert first[3] in html and first[1] in html


def test_search_finds_messages_with_highlighted_snippets(web_case: WebCase, lena: httpx.Client) -> None:
    with _db(web_case) as db:
        body = db.execute("SELECT body FROM messages WHERE kind = 'text' ORDER BY id LIMIT 1").fetchone()[0]
    word = max(re.findall(r"[A-Za-z]{4,}", body), key=len)
    hits = lena.get(f"/api/cases/{web_case.case_id}/search", params={"q": word}).json()["items"]
    assert hits and all(f"[{word.lower()}" in h["snippet"].lower() for h in hits)
    html = lena.get(f"/cases/{web_case.case_id}/search", params={"q": word}).text
    assert "<mark>" in html
    bad = lena.get(f"/cases/{web_case.case_id}/search", params={"q": '"unbalanced'})
    assert bad.status_code == 200 and "cannot search" in bad.text
    assert lena.get(f"/api/cases/{web_case.case_id}/search", params={"q": '"unbalanced'}).status_code == 400


def test_search_snippets_escape_message_text() -> None:
    assert str(highlight("<script>\x01x\x02</script>")) == "&lt;script&gt;<mark>x</mark>&lt;/script&gt;"


def test_media_grid_holds_known_category_items_only_when_asked(web_case: WebCase, lena: httpx.Client) -> None:
    with _db(web_case) as db:
        known = {
            r[0]
            for r in db.execute("SELECT file_id FROM media_matches UNION SELECT file_id FROM media_reviews")
        }
        total = db.execute("SELECT COUNT(*) FROM media WHERE status = 'done'").fetchone()[0]
    assert known

    def every(show: str) -> set[int]:
        found, number = set(), 1
        while True:
            page = lena.get(
                f"/api/cases/{web_case.case_id}/media", params={"show": show, "page": number}
            ).json()
            found |= {item["file_id"] for item in page["items"]}
            if not page["has_next"]:
                return found
            number += 1

    review, on_request = every("review"), every("known")
    assert not review & known
    assert on_request <= known and len(review) + len(on_request) == total
    grid = lena.get(f"/cases/{web_case.case_id}/media").text
    assert not any(f"/media/{file_id}/thumbnail" in grid for file_id in known)


def test_thumbnails_are_blurred_greyscale_and_never_cached(web_case: WebCase, lena: httpx.Client) -> None:
    item = lena.get(f"/api/cases/{web_case.case_id}/media").json()["items"][0]
    answer = lena.get(f"/cases/{web_case.case_id}/media/{item['file_id']}/thumbnail")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert Image.open(io.BytesIO(answer.content)).mode == "L"


def test_reveal_is_audited_clear_in_memory_and_never_stored(web_case: WebCase, lena: httpx.Client) -> None:
    item = lena.get(f"/api/cases/{web_case.case_id}/media").json()["items"][0]
    derived_before = sorted(p for p in (web_case.case_dir / "derived").rglob("*") if p.is_file())
    answer = lena.post(
        f"/api/cases/{web_case.case_id}/media/{item['file_id']}/reveal", params={"reason": "series check"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/jpeg" and answer.headers["cache-control"] == "no-store"
    assert Image.open(io.BytesIO(answer.content)).mode == "RGB"
    page = lena.post(
        f"/cases/{web_case.case_id}/media/{item['file_id']}/reveal",
        data={"csrf_token": lena.headers["X-CSRF-Token"], "reason": "page"},
    )
    assert page.status_code == 200 and "data:image/jpeg;base64," in page.text
    assert page.headers["cache-control"] == "no-store"
    assert sorted(p for p in (web_case.case_dir / "derived").rglob("*") if p.is_file()) == derived_before
    reveals = [r for r in audit_rows(web_case.case_dir, "media.reveal") if r[1] == f"media:{item['file_id']}"]
    assert [json.loads(r[2])["reason"] for r in reveals[-2:]] == ["series check", "page"]
    assert all(r[0] == "lena" for r in reveals)


def test_an_examiner_decision_categorises_and_moves_the_item_off_the_review_tab(
    web_case: WebCase, lena: httpx.Client
) -> None:
    item = lena.get(f"/api/cases/{web_case.case_id}/media").json()["items"][-1]
    answer = lena.post(
        f"/cases/{web_case.case_id}/media/{item['file_id']}/categorise",
        data={
            "category": "non-pertinent",
            "reason": "a landscape",
            "csrf_token": lena.headers["X-CSRF-Token"],
        },
    )
    assert answer.status_code == 303
    facts = lena.get(f"/api/cases/{web_case.case_id}/media/{item['file_id']}").json()
    assert facts["category"] == "non-pertinent"
    assert audit_rows(web_case.case_dir, "media.categorise")[-1][0] == "lena"
    bad = lena.post(
        f"/cases/{web_case.case_id}/media/{item['file_id']}/categorise",
        data={"category": "nonsense", "reason": "x", "csrf_token": lena.headers["X-CSRF-Token"]},
    )
    assert bad.status_code == 400 and "unknown category" in bad.text


def test_bookmarks_and_notes_are_kept_listed_and_audited(web_case: WebCase, ivan: httpx.Client) -> None:
    case = f"/api/cases/{web_case.case_id}"
    made = ivan.post(f"{case}/bookmarks", json={"kind": "message", "subject_id": 3, "label": "meeting"})
    again = ivan.post(f"{case}/bookmarks", json={"kind": "message", "subject_id": 3, "label": "meeting"})
    assert made.status_code == again.status_code == 201 and made.json() == again.json()
    assert (
        ivan.post(
            f"{case}/notes", json={"kind": "message", "subject_id": 3, "body": "  follow up  "}
        ).status_code
        == 201
    )
    assert (
        ivan.post(
            f"{case}/notes", json={"kind": "message", "subject_id": 99_999_999, "body": "x"}
        ).status_code
        == 404
    )
    listed = ivan.get(f"{case}/bookmarks").json()["items"]
    assert any(b["subject_kind"] == "message" and b["subject_id"] == 3 and b["notes"] >= 1 for b in listed)
    note = audit_rows(web_case.case_dir, "workspace.note")[-1]
    assert note[:2] == ("ivan", "message:3") and json.loads(note[2]) == {"text": "follow up"}
    html = ivan.get(f"/cases/{web_case.case_id}/conversations/1").text
    assert "follow up" in html or "message:3" not in html
    bookmark_id = made.json()["id"]
    form = {"csrf_token": ivan.headers["X-CSRF-Token"]}
    assert (
        ivan.post(f"/cases/{web_case.case_id}/bookmarks/{bookmark_id}/delete", data=form).status_code == 303
    )
    assert (
        ivan.post(f"/cases/{web_case.case_id}/bookmarks/{bookmark_id}/delete", data=form).status_code == 404
    )


def test_lists_page_without_counting_whole_tables(web_case: WebCase, lena: httpx.Client) -> None:
    first = lena.get(f"/api/cases/{web_case.case_id}/conversations").json()
    second = lena.get(f"/api/cases/{web_case.case_id}/conversations", params={"page": 2}).json()
    assert len(first["items"]) == 50 and first["has_next"]
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}
    assert lena.get(f"/api/cases/{web_case.case_id}/conversations", params={"page": 0}).status_code == 422


def test_a_message_link_opens_the_page_of_its_conversation_that_shows_it(
    web_case: WebCase, lena: httpx.Client
) -> None:
    with _db(web_case) as db:
        conv, count = db.execute(
            "SELECT conversation_id, COUNT(*) FROM messages GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        ordered = [r[0] for r in db.execute(
            "SELECT id FROM messages WHERE conversation_id = ? ORDER BY sent_at_utc, id", (conv,)
        )]  # fmt: skip
    assert count > 100
    message_id = ordered[150]
    answer = lena.get(f"/cases/{web_case.case_id}/messages/{message_id}")
    assert answer.status_code == 303
    assert answer.headers["location"].endswith(f"/conversations/{conv}?page=2#m{message_id}")
    assert f'id="m{message_id}"' in lena.get(answer.headers["location"]).text
    assert lena.get(f"/cases/{web_case.case_id}/messages/99999999").status_code == 404
