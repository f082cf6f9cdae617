"""Reading a JSON export (Telegram, Discord, Meta): the head test for sniffing and the whole-file load.

Bad bytes become U+FFFD with a warning; broken or truncated JSON is a clear error (the runner
records the file as failed); valid JSON that is not an object is `WrongFormat`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from darkroom.errors import WrongFormat
from darkroom.formats.base import ParseContext

JsonObject = dict[str, Any]


def head_text(head: bytes) -> str | None:
    """The head as text when it opens a JSON object, else None."""
    text = head.decode(json.detect_encoding(head), errors="replace").lstrip("\ufeff \t\r\n")
    return text if text.startswith("{") else None


def load_json_object(path: Path, ctx: ParseContext, *, allow_bom: bool = False) -> JsonObject:
    """The whole file as a JSON object (`allow_bom`: a UTF-8 file may open with a byte-order mark)."""
    raw = path.read_bytes()
    encoding = json.detect_encoding(raw)
    if allow_bom and encoding == "utf-8":
        encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        ctx.warn(f"byte {err.start}", f"not valid {encoding} ({err.reason}); bad bytes read as U+FFFD")
        text = raw.decode(encoding, errors="replace")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        msg = (
            f"{ctx.display_path}: broken or truncated JSON at line {err.lineno} column {err.colno} "
            f"(character {err.pos}): {err.msg}"
        )
        raise ValueError(msg) from err
    if not isinstance(document, dict):
        msg = f"top level is a JSON {type(document).__name__}, not an object"
        raise WrongFormat(msg)
    return document
