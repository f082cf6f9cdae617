"""The package as PDF and HTML, checked from the PDF's own text (pdftotext): every cited file's
hash, every excerpt's provenance, the chain head, page numbers, redaction, no score; nb and html."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.evidence import audit
from darkroom.reports.i18n import CATALOGUES
from darkroom.reports.outputs import ReportResult, write_report
from darkroom.reports.package import PackageRequest, build_package
from darkroom.reports.render import TEMPLATES, render_html
from darkroom.reports.scope import utc_text
from darkroom.reports.sections import ProsecutionPackage
from darkroom.store import CaseStore
from tests.reports.conftest import BuiltCase

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")


def _squash(value: str) -> str:
    """Text without whitespace: a table cell may wrap a long path anywhere."""
    return re.sub(r"\s+", "", value)


@dataclass(frozen=True)
class Rendered:
    result: ReportResult
    package: ProsecutionPackage
    text: str
    raw_text: str  # content-stream order: each table cell's lines together
    case_root: Path


def _render(root: Path, out: Path, language: str = "en", **options: object) -> Rendered:
    store = CaseStore.open(root)
    try:
        request = PackageRequest(1, own_exhibits=("EX-1",), **options)  # type: ignore[arg-type]
        package = build_package(store, request)
        result = write_report(store, request, out, "pdf", language, "examiner1")  # type: ignore[arg-type]
    finally:
        store.close()
    pdf_text, raw_text = (
        subprocess.run(["pdftotext", mode, out, "-"], capture_output=True, text=True, check=True).stdout
        for mode in ("-layout", "-raw")
    )
    return Rendered(result, package, pdf_text, raw_text, root)


@pytest.fixture(scope="module")
def rendered(built_case: BuiltCase, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = tmp_path_factory.mktemp("render") / "case"
    shutil.copytree(built_case.root, root)
    return _render(root, root.parent / "package.pdf")


def test_pdf_holds_every_cited_files_hash(rendered: Rendered) -> None:
    assert rendered.package.appendix
    for cited in rendered.package.appendix:
        assert cited.sha256 and cited.sha256 in rendered.text, cited.path
    for item in rendered.package.media.items:
        assert f"SHA-256 {item.sha256}" in rendered.text
        assert f"MD5 {item.md5}" in rendered.text


def test_pdf_holds_every_excerpts_provenance_and_both_times(rendered: Rendered) -> None:
    """Each message row reads, in order: UTC time, local time, sender, text, exhibit · file · locator."""
    squashed = _squash(rendered.raw_text)
    assert rendered.package.excerpts
    for excerpt in rendered.package.excerpts:
        for message in excerpt.messages:
            where = message.provenance
            row = (
                f"{utc_text(message.sent_at_utc)} {message.sent_at_local} {message.sender} {message.body} "
                f"{where.exhibit_ref} · {where.path} · {where.locator}"
            )
            assert _squash(row) in squashed, row


def test_pdf_footer_has_chain_head_case_version_and_numbered_pages(rendered: Rendered) -> None:
    head = rendered.package.chain_head
    pages = rendered.text.count("\f")
    assert pages >= 5
    assert rendered.text.count(head.row_hash) >= pages  # on every page's footer
    assert f"Audit-chain head: row {head.seq} {head.row_hash}" in rendered.text
    assert f"Page 1 of {pages}" in rendered.text and f"Page {pages} of {pages}" in rendered.text
    assert "Case: Operation Test" in rendered.text and "darkroom version 0.1.0" in rendered.text


def test_pdf_redacts_restricted_records_and_carries_no_score(rendered: Rendered) -> None:
    assert "[restricted]" in rendered.text
    assert "user333" not in rendered.text and "Per Undercover" not in rendered.text
    assert "priority" not in rendered.text.lower()
    assert "MODEL-ONLY (not confirmed)" in rendered.text  # Ola's second account
    assert "confirmed by an investigator" in rendered.text
    assert "Not available in this case" in rendered.text  # triage and bookmarks


def test_pdf_lists_what_could_not_be_read(rendered: Rendered) -> None:
    assert "Telegram/broken.json" in rendered.text and "notes.bin" in rendered.text
    assert "no parser recognised this file" in rendered.text


def test_report_is_audited_with_the_files_sha256(rendered: Rendered) -> None:
    written = rendered.result.out_path.read_bytes()
    assert rendered.result.sha256_hex == hashlib.sha256(written).hexdigest()
    store = CaseStore.open(rendered.case_root)
    try:
        with store.read() as conn:
            (entry,) = list(audit.entries(conn, "report.package"))
    finally:
        store.close()
    assert entry.seq == rendered.result.audit_seq == rendered.package.chain_head.seq + 1
    assert entry.object_ref == "person:1"
    assert entry.details["sha256"] == rendered.result.sha256_hex
    assert entry.details["chain_head"] == rendered.package.chain_head.row_hash
    assert not rendered.result.out_path.with_name("package.pdf.partial").exists()


def test_restricted_clearance_shows_restricted_records(case_copy: BuiltCase, tmp_path: Path) -> None:
    cleared = _render(case_copy.root, tmp_path / "cleared.pdf", clearance="restricted")
    assert "Per Undercover" in cleared.text and "user333" in cleared.text
    assert "restricted records are shown" in cleared.text


def test_norwegian_package_renders(case_copy: BuiltCase, tmp_path: Path) -> None:
    norwegian = _render(case_copy.root, tmp_path / "nb.pdf", "nb")
    assert "Bevispakke til påtalemyndigheten" in norwegian.text
    pages = norwegian.text.count("\f")
    assert f"Side 1 av {pages}" in norwegian.text
    assert "KUN MODELL (ikke bekreftet)" in norwegian.text
    assert norwegian.package.chain_head.row_hash in norwegian.text


def test_pages_render_to_png(rendered: Rendered, tmp_path: Path) -> None:
    """The developer looks at these once (pdftoppm); here: every page renders to a picture."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm missing")
    subprocess.run(["pdftoppm", "-r", "40", "-png", rendered.result.out_path, tmp_path / "page"], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == rendered.text.count("\f")


def test_html_package_is_self_contained(built_case: BuiltCase) -> None:
    store = CaseStore.open(built_case.root)
    try:
        package = build_package(store, PackageRequest(built_case.ola))
    finally:
        store.close()
    html = render_html(package, "en")
    assert "<svg" in html and "<link" not in html and "<script" not in html
    assert package.chain_head.row_hash in html
    assert "&lt;" not in package.identity.label and "Ola Berg" in html


def test_html_escapes_recorded_text(case_copy: BuiltCase) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:
            conn.execute(text("UPDATE persons SET label = '<b>Ola</b> & co' WHERE id = 1"))
        package = build_package(store, PackageRequest(case_copy.ola))
    finally:
        store.close()
    html = render_html(package, "nb")
    assert "&lt;b&gt;Ola&lt;/b&gt; &amp; co" in html and "<b>Ola</b> & co" not in html


def test_catalogues_have_the_same_words_and_cover_the_template() -> None:
    assert set(CATALOGUES["en"]) == set(CATALOGUES["nb"])
    template = (TEMPLATES / "package.html.j2").read_text(encoding="utf-8")
    used = set(re.findall(r"\bL\.(\w+)", template)) | set(re.findall(r'L\["(\w+)"\]', template))
    assert used and used <= set(CATALOGUES["en"])
    prefixes = set(re.findall(r'L\["(\w+)"\s*\+', template))  # keys built from data, e.g. "t_" + kind
    assert prefixes == {"clearance_", "v_", "link_", "t_", "r_", "rel_", "d_"}


def test_odd_recorded_text_renders(case_copy: BuiltCase, tmp_path: Path) -> None:
    """Control characters, right-to-left text and emoji as chats hold them never break the PDF."""
    odd = "before\x00\x0c after \u202eltr\u202c مرحبا 👋 <i>x</i>"
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:
            conn.execute(
                text("UPDATE messages SET body = :b WHERE body = 'great, I will bring the flask'"), {"b": odd}
            )
            conn.execute(
                text("UPDATE account_names SET display_name = :b WHERE display_name = 'Kari Nilsen'"),
                {"b": odd},
            )
    finally:
        store.close()
    rendered = _render(case_copy.root, tmp_path / "odd.pdf")
    assert "<i>x</i>" in rendered.text and "after" in rendered.text


def test_pdf_is_pdf_a_2u_with_every_font_embedded(rendered: Rendered) -> None:
    """Archival PDF: the PDF/A identification in its XMP metadata, and no font left to the reader's
    machine (pdffonts lists each font's embedding and Unicode map)."""
    if shutil.which("pdffonts") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdffonts, pdfinfo) missing")
    path = rendered.result.out_path
    meta = subprocess.run(["pdfinfo", "-meta", path], capture_output=True, text=True, check=True).stdout
    assert re.search(r"pdfaid:part[>=\"']+2", meta), meta[:2000]
    assert re.search(r"pdfaid:conformance[>=\"']+U", meta), meta[:2000]
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line.split() for line in fonts[2:] if line.strip()]
    assert rows
    # columns from the right: name type encoding emb sub uni object-id gen
    assert all(row[-5] == "yes" and row[-3] == "yes" for row in rows), fonts
