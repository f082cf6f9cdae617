"""`darkroom report`: the prosecution package for one person, as PDF or HTML (audited with its SHA-256)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkroom.cli.common import ActorOption, CaseOption, ClearanceOption, actor_name, opened_case, out
from darkroom.errors import InvalidInput


def _format_of(format_name: str | None, out_path: Path) -> str:
    """--format, else the file's suffix (.html/.htm), else pdf."""
    if format_name:
        return format_name.strip().lower()
    return "html" if out_path.suffix.lower() in (".html", ".htm") else "pdf"


def report(
    person: Annotated[int, typer.Option("--person", help="The person's id (identity resolution's persons).")],
    out_path: Annotated[Path, typer.Option("--out", help="The file to write.")],
    format_name: Annotated[
        str | None, typer.Option("--format", help="pdf or html (default: from --out's suffix, else pdf).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en (English) or nb (Norwegian bokmål).")] = "en",
    clearance: ClearanceOption = "standard",
    messages: Annotated[
        list[int] | None, typer.Option("--message", help="A message to excerpt (repeatable).")
    ] = None,
    exhibits: Annotated[
        list[str] | None,
        typer.Option(
            "--exhibit", help="An exhibit seized from the suspect: its media count in full (repeatable)."
        ),
    ] = None,
    context: Annotated[int, typer.Option("--context", help="Messages before and after each excerpt.")] = 3,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Write the prosecution package for one person: exhibits and custody, identities, timeline,
    excerpts, network, media by category (hashes, never images), disclosure, cited files."""
    from darkroom.clearance import clearance_of  # noqa: PLC0415 - start-up
    from darkroom.reports.i18n import language_of  # noqa: PLC0415
    from darkroom.reports.outputs import write_report  # noqa: PLC0415
    from darkroom.reports.package import PackageRequest  # noqa: PLC0415
    from darkroom.reports.render import output_format_of  # noqa: PLC0415

    cleared = clearance_of(clearance)
    if context < 0:
        raise InvalidInput("--context must be 0 or more")
    output_format = output_format_of(_format_of(format_name, out_path))
    language = language_of(lang.strip().lower())
    out_path = out_path.expanduser()
    if not out_path.parent.is_dir():
        raise InvalidInput(f"cannot write {out_path}: the folder {out_path.parent} does not exist")
    request = PackageRequest(
        person_id=person,
        clearance=cleared,
        message_ids=tuple(messages or ()),
        own_exhibits=tuple(exhibits or ()),
        context=context,
    )
    with opened_case(case) as store:
        result = write_report(store, request, out_path, output_format, language, actor_name(actor))
    out().print(
        f"wrote {result.out_path} ({output_format}, {language}): {result.cited_files} cited files; "
        f"sha256 {result.sha256_hex}; reflects audit row {result.chain_head_seq} {result.chain_head_hash}",
        markup=False,
    )
