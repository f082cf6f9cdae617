"""Walk the workspace as people would, in Debian's Chromium driven by Playwright (no browser
download): log in, open the triage queue, open the top suspect, follow a conversation, search,
open the network and expand a node, reveal one media item and find the reveal in the audit view;
alerts mark their hits; a user without membership gets nothing; a restricted person stays
invisible."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

from tests.web.conftest import PASSWORD, WebCase

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (scripts/system-deps.sh)"
    ),
]


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


def _browser(playwright: Playwright, profile: Path) -> BrowserContext:
    """A fresh Chromium profile (user-data dir) per person."""
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    context.set_default_timeout(15_000)
    return context


def _log_in(page: Page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(f"{base_url}/login?next=%2F")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your cases")).to_be_visible()


def _expand_until_it_grows(page: Page) -> None:
    """Select nodes of the list in turn and expand them until one adds a neighbour."""
    first = _node_count(page)
    for index in range(1, min(first, 8)):
        page.locator("#node-list button").nth(index).click()
        page.locator("#expand-node").click()
        expect(page.locator("#graph-status")).not_to_contain_text("loading")
        if _node_count(page) > first:
            return
    pytest.fail("no node's expansion added a neighbour")


def test_an_investigator_walks_the_case_and_reveals_one_item(
    playwright: Playwright, web_case: WebCase, tmp_path: Path
) -> None:
    context = _browser(playwright, tmp_path / "lena")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _log_in(page, web_case.base_url, "lena")
        page.locator("main table a").first.click()
        expect(page.get_by_text("Processing coverage")).to_be_visible()
        expect(page.locator("#urgent-alerts")).to_contain_text("URGENT")

        page.get_by_role("link", name="Triage", exact=True).click()
        expect(page.locator("#advisory")).to_contain_text("Advisory")
        expect(page.locator("#queue tbody tr").first).to_contain_text("advisory")
        page.locator("#queue tbody tr td:nth-child(2) a[href*='/persons/']").first.click()
        expect(page.locator("#priority")).to_contain_text("in the queue")
        expect(page.locator("#priority")).to_contain_text("Advisory only")

        person_url = page.url
        for index in range(page.locator("#members a").count()):
            page.locator("#members a").nth(index).click()
            if page.locator("#conversations tbody a").count():
                break
            page.goto(person_url)
        page.locator("#conversations tbody a").first.click()
        expect(page.locator("#messages .message").first).to_be_visible()
        expect(page.locator("#messages .prov").first).to_contain_text("EX-")

        body = page.locator("#messages .kind-text .body").first.inner_text()
        word = max(re.findall(r"[A-Za-z]{4,}", body), key=len)
        page.get_by_role("link", name="Search", exact=True).click()
        page.get_by_label("search text").fill(word)
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#hits mark").first).to_be_visible()

        page.goto(f"{web_case.base_url}/cases/{web_case.case_id}/persons/{web_case.public_person}")
        page.locator("#open-network").click()
        _expand_until_it_grows(page)

        page.get_by_role("link", name="Media", exact=True).click()
        page.locator("#media-grid a").first.click()
        expect(page.get_by_text("blurred, greyscale")).to_be_visible()
        file_id = page.url.rstrip("/").rsplit("/", 1)[1]
        page.get_by_label("reason (recorded)").fill("browser test")
        page.get_by_role("button", name="Reveal this item in clear").click()
        revealed = page.locator("#revealed")
        expect(revealed).to_be_visible()
        assert revealed.evaluate("img => img.complete && img.naturalWidth > 0")

        page.get_by_role("link", name="Audit", exact=True).click()
        page.get_by_label("action starts with").fill("media.reveal")
        page.get_by_role("button", name="Filter").click()
        first_row = page.locator("#audit-rows tbody tr").first
        expect(first_row).to_contain_text("media.reveal")
        expect(first_row).to_contain_text("lena")
        expect(first_row).to_contain_text("browser test")
        expect(first_row).to_contain_text(f"media:{file_id}")
        expect(page.locator("#chain-status")).to_contain_text("Chain intact")
        assert not errors, errors
    finally:
        context.close()


def test_alerts_mark_the_indicator_hits_of_the_messages_that_raised_them(
    playwright: Playwright, web_case: WebCase, tmp_path: Path
) -> None:
    context = _browser(playwright, tmp_path / "ivan-alerts")
    page = context.new_page()
    try:
        _log_in(page, web_case.base_url, "ivan")
        page.goto(f"{web_case.base_url}/cases/{web_case.case_id}/alerts")
        first = page.locator("#alerts article").first
        expect(first).to_contain_text("URGENT")
        expect(first.locator("mark.hit").first).to_be_visible()
        first.locator(".message a").first.click()
        expect(page.locator("#messages mark.hit").first).to_be_visible()
    finally:
        context.close()


def test_a_user_without_membership_gets_nothing(
    playwright: Playwright, web_case: WebCase, tmp_path: Path
) -> None:
    context = _browser(playwright, tmp_path / "sam")
    page = context.new_page()
    try:
        _log_in(page, web_case.base_url, "sam")
        expect(page.get_by_text("You are not a member of any case")).to_be_visible()
        for path in ("", "/conversations/1", "/media", f"/persons/{web_case.public_person}"):
            answer = page.goto(f"{web_case.base_url}/cases/{web_case.case_id}{path}")
            assert answer is not None and answer.status == 404
            expect(page.get_by_role("alert")).to_be_visible()
            assert "Operation" not in page.content()
    finally:
        context.close()


def test_a_restricted_person_is_invisible_without_clearance(
    playwright: Playwright, web_case: WebCase, tmp_path: Path
) -> None:
    context = _browser(playwright, tmp_path / "ivan")
    page = context.new_page()
    try:
        _log_in(page, web_case.base_url, "ivan")
        page.goto(f"{web_case.base_url}/cases/{web_case.case_id}/persons")
        expect(page.locator("#persons")).to_contain_text(web_case.public_label)
        expect(page.locator("#persons")).not_to_contain_text(web_case.restricted_label)
        answer = page.goto(
            f"{web_case.base_url}/cases/{web_case.case_id}/persons/{web_case.restricted_person}"
        )
        assert answer is not None and answer.status == 404
    finally:
        context.close()


def _node_count(page: Page) -> int:
    status = page.locator("#graph-status")
    expect(status).to_contain_text("nodes")
    return int(status.inner_text().split()[0])


def test_an_investigator_opens_the_network_expands_a_node_and_opens_a_person(
    playwright: Playwright, web_case: WebCase, tmp_path: Path
) -> None:
    context = _browser(playwright, tmp_path / "ivan-network")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        _log_in(page, web_case.base_url, "ivan")
        page.goto(f"{web_case.base_url}/cases/{web_case.case_id}/persons/{web_case.public_person}")
        page.locator("#open-network").click()
        _node_count(page)
        assert page.locator("#graph canvas").count() > 0, "cytoscape drew nothing"
        expect(page.locator("#selected-node")).to_have_text(web_case.public_label)
        _expand_until_it_grows(page)
        assert web_case.restricted_label not in page.locator("#node-list").inner_text()
        page.get_by_label("in-contacts-of").uncheck()
        expect(page.locator("#graph-status")).to_contain_text("edges shown")
        page.locator("#node-list button").first.click()
        page.locator("#open-node").click()
        expect(page.locator("h1")).to_be_visible()
        assert "/persons/" in page.url or "/conversations" in page.url
        assert not errors, errors
    finally:
        context.close()
