"""Project VIC VICS JSON hash sets, versions 1.x and 2.0, streamed with ijson.

Layouts (field names from IPED's HashDBTool and Clees4All's VICS writer; the spec itself is shared
only under agreement):
  1.x   {"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media", "value": [Media]}
  2.0   {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media",
         "value": [Media]}
  case  the same with `#Cases`: {"value": [{"CaseID": …, "Media": [Media]}]}

Decisions:
- Top-level keys may come in any order: the context is read from the first 64 KiB (parsed) or else the
  last 64 KiB (matched); the layout from the context's `#Media`/`#Cases`, else from the structure at
  the head. A hash list is streamed by ijson's C `items` (about 150 MB/s); a case file by events, so
  each entry's locator names its case (`value[0].Media[17]`).
- The model picks the category scheme: UK → "vics-uk" (A/B/C), CUSTOM → "vics-custom" (no defaults),
  Default/US and 1.x → "vics".
- Hashes: MD5, SHA1, PhotoDNA (base64, kept opaque) at the top, plus any key holding an array of
  {HashName, HashValue} (`AlternativeHashes` in practice) for SHA256, PDQ, PhotoDNA and others (kept
  in extra). A digest of the wrong length or not hex, or two different values of one hash, skips the
  entry with its reason; an entry with no hash at all is skipped too.
- Booleans may be JSON booleans, "true"/"false" in any case, or 0/1; an unreadable flag or category is
  stored as unknown and its raw value kept in extra["unreadable"]. Every other field goes to extra
  as-is, `MediaFiles` reduced to file names and paths.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import ijson
from ijson.common import ObjectBuilder

from darkroom.errors import InvalidInput
from darkroom.media.hashsets.base import (
    HashEntry,
    ReadContext,
    category_text,
    clean_digest,
    label_text,
    parse_flag,
)

HEAD_SIZE = 64 * 1024
TAIL_SIZE = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
CONTEXT_KEYS = ("@odata.context", "odata.metadata")
MODEL_SCHEMES = {"UK": "vics-uk", "CUSTOM": "vics-custom"}

Layout = Literal["Media", "Cases"]
_T = TypeVar("_T")

_CONTEXT_RE = re.compile(
    r"DataModels/(?P<version>\d+(?:\.\d+)*)\.xml(?:/(?P<model>[A-Za-z]+)/\$metadata)?#(?P<kind>\w+)"
)
_TAIL_CONTEXT_RE = re.compile(rb'"(?:@odata\.context|odata\.metadata)"\s*:\s*"((?:[^"\\]|\\.)*)"')
_MEDIA_KEYS = frozenset({"MediaID", "MD5", "SHA1", "Category", "PhotoDNA", "MediaSize", "MediaFiles"})
_HASH_KEYS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "PDQ": "pdq", "PhotoDNA": "photodna"}
_FLAG_KEYS = {
    "VictimIdentified": "victim_identified",
    "OffenderIdentified": "offender_identified",
    "IsDistributed": "is_distributed",
}
_CASE_MEDIA = "value.item.Media.item"
_CASE_NOTES = 50
_HASH_NAME_KINDS = {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "pdq": "pdq", "photodna": "photodna"}
_CONSUMED_KEYS = frozenset({*_HASH_KEYS, *_FLAG_KEYS, "MediaID", "Category", "Series", "MediaFiles"})


@dataclass(frozen=True, slots=True)
class VicsLayout:
    """What the head and tail of a VICS file say: its context, version, model and layout."""

    context: str | None
    version: str | None
    model: str | None
    layout: Layout
    value_seen: bool

    @property
    def scheme(self) -> str:
        """The category scheme of the file's data model."""
        return MODEL_SCHEMES.get((self.model or "").upper(), "vics")


@dataclass(slots=True)
class _HeadScan:
    context: str | None = None
    layout: Layout | None = None
    value_seen: bool = False


def _scan_head(head: bytes) -> _HeadScan:
    """Parse the start of the file as far as it goes: top-level context, and what `value` holds."""
    scan = _HeadScan()
    previous: tuple[str, str, object] = ("", "", None)
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head)):
            if prefix == "" and event == "map_key" and value == "value":
                scan.value_seen = True
            elif prefix in CONTEXT_KEYS and event == "string" and isinstance(value, str):
                scan.context = scan.context or value
            elif prefix == "value.item" and event == "map_key" and scan.layout is None:
                scan.layout = "Media" if value in _MEDIA_KEYS else scan.layout
            elif previous == ("value.item", "map_key", "Media") and event == "start_array":
                scan.layout = "Cases"
            if scan.context and scan.layout:
                break
            previous = (prefix, event, value)
    except ijson.JSONError:
        pass  # the head ends mid-document by design; what was seen so far is the answer
    return scan


def _tail_context(path: Path, size: int) -> str | None:
    """The last context key's value in the file's final bytes (when `value` came first)."""
    with path.open("rb") as source:
        source.seek(max(0, size - TAIL_SIZE))
        tail = source.read(TAIL_SIZE)
    found = _TAIL_CONTEXT_RE.findall(tail)
    return found[-1].decode("utf-8", "replace") if found else None


def describe(path: Path) -> VicsLayout:
    """Read the head (and if needed the tail) of a VICS file to learn its version, model and layout."""
    try:
        size = path.stat().st_size
        with path.open("rb") as source:
            head = source.read(HEAD_SIZE).removeprefix(UTF8_BOM)
        scan = _scan_head(head)
        context = scan.context or _tail_context(path, size)
    except OSError as err:
        msg = f"cannot read {path}: {err.strerror or err}"
        raise InvalidInput(msg) from err
    match = _CONTEXT_RE.search(context or "")
    kind = match["kind"] if match else None
    layout: Layout = "Cases" if kind == "Cases" else "Media" if kind == "Media" else scan.layout or "Media"
    return VicsLayout(
        context=context,
        version=match["version"] if match else None,
        model=match["model"] if match else None,
        layout=layout,
        value_seen=scan.value_seen,
    )


class VicsReader:
    """Project VIC VICS JSON (1.x `odata.metadata`, 2.0 `@odata.context`), hash lists and case files."""

    name = "vics"
    default_scheme = "vics"

    def detect(self, path: Path, head: bytes) -> float:
        text = head.removeprefix(UTF8_BOM).lstrip()
        if not text.startswith(b"{"):
            return 0.0
        scan = _scan_head(text)
        if scan.context and _CONTEXT_RE.search(scan.context):
            return 1.0
        if scan.context or scan.layout:
            return 0.7
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[HashEntry]:
        layout = describe(path)
        ctx.facts.scheme = layout.scheme
        ctx.facts.format_version = layout.version
        ctx.facts.model = layout.model
        if layout.context is None:
            ctx.facts.notes.append("no odata context found; read as a VICS hash list of the Default model")
        counting = ctx.open_source(path)
        with io.BufferedReader(counting, buffer_size=256 * 1024) as stream:
            if stream.peek(3).startswith(UTF8_BOM):
                stream.read(3)
            try:
                if layout.layout == "Cases":
                    yield from self._read_cases(stream, ctx)
                else:
                    yield from self._read_media_list(stream, ctx, layout.value_seen)
            except ijson.JSONError as err:
                msg = (
                    f"{path.name} is not complete, valid JSON (it ends early or is malformed within "
                    f"the first {counting.bytes_read} bytes): {_parser_message(err)}"
                )
                raise InvalidInput(msg) from err

    def _read_media_list(self, stream: IO[bytes], ctx: ReadContext, value_seen: bool) -> Iterator[HashEntry]:
        count = 0
        for count, media in enumerate(ijson.items(stream, "value.item", use_float=True), 1):
            entry = _entry_or_skip(media, f"value[{count - 1}]", ctx)
            if entry is not None:
                yield entry
        if count == 0 and not value_seen:
            msg = "the file has no VICS `value` array of Media entries"
            raise InvalidInput(msg)
        if count == 0:
            ctx.facts.notes.append("the file holds no Media entries")

    def _read_cases(self, stream: IO[bytes], ctx: ReadContext) -> Iterator[HashEntry]:
        """Walk events so each entry's locator names its case; build each Media object in turn."""
        case_index, media_index = -1, -1
        builder: Any = None
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if prefix == _CASE_MEDIA and event in ("end_map", "end_array"):
                    entry = _entry_or_skip(builder.value, f"value[{case_index}].Media[{media_index}]", ctx)
                    builder = None
                    if entry is not None:
                        yield entry
            elif prefix == _CASE_MEDIA and event not in ("end_map", "end_array"):
                media_index += 1
                builder = ObjectBuilder()
                builder.event(event, value)
                if event not in ("start_map", "start_array"):  # a bare value where a Media object belongs
                    _entry_or_skip(builder.value, f"value[{case_index}].Media[{media_index}]", ctx)
                    builder = None
            elif prefix == "value.item" and event == "start_map":
                case_index, media_index = case_index + 1, -1
            elif prefix == "value.item.CaseID" and event in ("string", "number") and case_index < _CASE_NOTES:
                ctx.facts.notes.append(f"case value[{case_index}]: CaseID {value}")
        if case_index < 0:
            ctx.facts.notes.append("the file holds no cases")


def _parser_message(err: Exception) -> str:
    """The first line of a yajl error (the rest quotes the file around the fault, sometimes as bytes)."""
    detail = err.args[0] if err.args else err
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    lines = str(detail).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def _entry_or_skip(media: object, locator: str, ctx: ReadContext) -> HashEntry | None:
    """The entry for one Media object, or None after counting why it was skipped."""
    if not isinstance(media, dict):
        ctx.skip(locator, "the Media entry is not a JSON object")
        return None
    try:
        entry = media_entry(media, locator)
    except ValueError as err:
        ctx.skip(locator, str(err))
        return None
    if not entry.has_hash:
        ctx.skip(locator, "no MD5, SHA1, SHA256, PDQ or PhotoDNA")
        return None
    return entry


def media_entry(media: dict[str, Any], locator: str) -> HashEntry:
    """One VICS Media object as an entry; ValueError names the reason it cannot be used."""
    list_keys = [key for key, value in media.items() if type(value) is list and _is_hash_list(value)]
    hashes, other_hashes = _hashes(media, list_keys)
    unreadable: dict[str, object] = {}
    flags: dict[str, bool | None] = {}
    for key, field_name in _FLAG_KEYS.items():
        flags[field_name] = _readable(media.get(key), key, parse_flag, unreadable)
    category = _readable(media.get("Category"), "Category", category_text, unreadable)
    series = _readable(media.get("Series"), "Series", label_text, unreadable)
    media_id = _readable(media.get("MediaID"), "MediaID", label_text, unreadable)
    pdq_hex = hashes.get("pdq")
    return HashEntry(
        locator=locator,
        md5=hashes.get("md5"),
        sha1=hashes.get("sha1"),
        sha256=hashes.get("sha256"),
        pdq=None if pdq_hex is None else bytes.fromhex(pdq_hex),
        photodna=hashes.get("photodna"),
        category=category,
        series=series,
        victim_identified=flags["victim_identified"],
        offender_identified=flags["offender_identified"],
        is_distributed=flags["is_distributed"],
        source_media_id=media_id,
        extra=_extra(media, list_keys, other_hashes, unreadable),
    )


def _readable(
    raw: object, key: str, convert: Callable[[object], _T | None], unreadable: dict[str, object]
) -> _T | None:
    """The converted value, or None with the raw value kept aside when it cannot be read."""
    if raw is None:
        return None
    try:
        converted = convert(raw)
    except ValueError:
        unreadable[key] = raw
        return None
    return converted


def _is_hash_list(value: list[Any]) -> bool:
    """An array of {HashName, HashValue} objects, under whatever key the writer chose."""
    return bool(value) and all(
        isinstance(item, dict) and "HashName" in item and "HashValue" in item for item in value
    )


def _hashes(media: dict[str, Any], list_keys: list[str]) -> tuple[dict[str, str], dict[str, object]]:
    """The known hashes by kind, cleaned (top-level fields and hash arrays must agree); others by name."""
    candidates: dict[str, list[object]] = {}
    other_hashes: dict[str, object] = {}
    for key, kind in _HASH_KEYS.items():
        if media.get(key) is not None:
            candidates.setdefault(kind, []).append(media[key])
    for list_key in list_keys:
        for item in media[list_key]:
            name = str(item["HashName"])
            listed_kind = _HASH_NAME_KINDS.get(re.sub(r"[^a-z0-9]", "", name.lower()))
            if listed_kind is None:
                other_hashes[name] = item["HashValue"]
            else:
                candidates.setdefault(listed_kind, []).append(item["HashValue"])
    hashes: dict[str, str] = {}
    for kind, values in candidates.items():
        cleaned = {_clean_hash(kind, value) for value in values} - {None}
        if len(cleaned) > 1:
            msg = f"the entry gives two different {kind.upper()} values"
            raise ValueError(msg)
        if cleaned:
            hashes[kind] = str(cleaned.pop())
    return hashes, other_hashes


def _clean_hash(kind: str, value: object) -> str | None:
    """Lower-case hex for digests (PDQ too, as hex here); PhotoDNA as its trimmed text."""
    if kind == "photodna":
        return _photodna(value)
    return clean_digest(value, kind)


def _photodna(raw: object) -> str | None:
    """PhotoDNA is licensed and opaque to us: kept as the text the source gives (base64 or hex)."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        msg = "PhotoDNA is not text"
        raise ValueError(msg)
    return raw.strip() or None


def _extra(
    media: dict[str, Any],
    list_keys: list[str],
    other_hashes: dict[str, object],
    unreadable: dict[str, object],
) -> dict[str, object]:
    """Everything the entry's columns do not hold, so nothing of the source is lost."""
    extra: dict[str, object] = {
        key: value for key, value in media.items() if key not in _CONSUMED_KEYS and key not in list_keys
    }
    files = media.get("MediaFiles")
    if isinstance(files, list) and files:
        extra["files"] = [
            {"name": item.get("FileName"), "path": item.get("FilePath")}
            for item in files
            if isinstance(item, dict)
        ]
    if other_hashes:
        extra["hashes"] = other_hashes
    if unreadable:
        extra["unreadable"] = unreadable
    return extra
