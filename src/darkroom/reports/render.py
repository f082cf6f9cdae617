"""Rendering a package: HTML from the Jinja2 template in the chosen language, PDF/A-2u from that
HTML with WeasyPrint (numbered pages; a footer with the case, generation time, version and chain
head)."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path
from typing import Any, Final, Literal

from darkroom.errors import InvalidInput
from darkroom.reports.i18n import CATALOGUES, Language
from darkroom.reports.scope import local_text, utc_text
from darkroom.reports.sections import ProsecutionPackage, Provenance, Unavailable

OutputFormat = Literal["pdf", "html"]
TEMPLATES = Path(__file__).resolve().parent / "templates"
SECTION_KEYS = (
    "s_exhibits",
    "s_identity",
    "s_timeline",
    "s_excerpts",
    "s_indicators",
    "s_network",
    "s_media",
    "s_bookmarks",
    "s_disclosure",
    "s_appendix",
)


def output_format_of(name: str) -> OutputFormat:
    """`pdf` or `html`, or a clear error."""
    if name == "pdf":
        return "pdf"
    if name == "html":
        return "html"
    msg = f"unknown report format {name!r}; choose pdf or html"
    raise InvalidInput(msg)


def _provenance_text(found: Provenance) -> str:
    return f"{found.exhibit_ref} · {found.path} · {found.locator}"


def _environment() -> Any:
    import jinja2  # noqa: PLC0415 - only reports need it
    from markupsafe import Markup  # noqa: PLC0415

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.filters["utc"] = utc_text
    env.filters["local"] = local_text
    env.filters["prov"] = _provenance_text
    # The figure is built by darkroom.reports.neighbourhood, every label escaped there.
    env.filters["safe_svg"] = Markup
    env.tests["unavailable"] = lambda value: isinstance(value, Unavailable)
    return env


def render_html(package: ProsecutionPackage, language: Language) -> str:
    """The package as one self-contained HTML document (styles inline, the figure as inline SVG)."""
    from markupsafe import Markup  # noqa: PLC0415

    env = _environment()
    css = (TEMPLATES / "package.css").read_text(encoding="utf-8")
    excerpt_of = {
        message.message_id: index
        for index, excerpt in enumerate(package.excerpts, 1)
        for message in excerpt.messages
        if message.is_anchor
    }
    html: str = env.get_template("package.html.j2").render(
        package=package,
        lang=language,
        L=CATALOGUES[language],
        css=Markup(css),  # noqa: S704 - darkroom's own stylesheet, not input
        sections=SECTION_KEYS,
        excerpt_of=excerpt_of,
    )
    return html


# PDF/A-2u, the archival PDF courts and case-management systems keep: fonts embedded, an sRGB
# output intent, XMP metadata, and every character mapped to Unicode (the text stays searchable
# and copyable exactly, hashes included).
PDF_VARIANT: Final = "pdf/a-2u"


def render_pdf(package: ProsecutionPackage, language: Language) -> bytes:
    """The package as PDF/A-2u (WeasyPrint from the same HTML)."""
    import weasyprint  # noqa: PLC0415 - heavy; only reports need it

    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for the PDF/A output intent and never closes it; the
        # document is collected here so that warning cannot surface later, elsewhere.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf: bytes = weasyprint.HTML(string=render_html(package, language)).write_pdf(pdf_variant=PDF_VARIANT)
        gc.collect()
    return pdf
