"""The hash-set reader contract: a small class per format that streams `HashEntry` records.

A reader has a unique `name`, answers `detect(path, head)` with 0.0–1.0 from content, and
`read(path, ctx)` yields entries one by one (a multi-GB set must import in flat memory). What it
learns about the file (version, model, scheme, known-good) goes to `ctx.facts`; an entry it cannot
use (a digest of the wrong length, no hash at all) is `ctx.skip(locator, reason)` and reading goes
on. A file it cannot read at all raises a `DarkroomError` (InvalidInput, DamagedDatabase).

The value helpers below raise ValueError with a reason; readers catch it per entry and skip.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from darkroom.errors import InvalidInput

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

SKIP_SAMPLE_LIMIT = 100
DIGEST_HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}
NO_CATEGORY = "(none)"

_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_INTEGER_RE = re.compile(r"-?[0-9]+")
_TRUE_TEXT = frozenset({"true", "1"})
_FALSE_TEXT = frozenset({"false", "0"})


@dataclass(frozen=True, slots=True)
class HashEntry:
    """One entry of a hash set: digests (lower-case hex, PDQ as 32 raw bytes) and the source's labels.

    `category` is the source's own value as text (see categories.py for the case's view of it);
    `locator` says where in the source file the entry is (`value[12]`, `line 45`, `FILE`).
    """

    locator: str
    md5: str | None = None
    sha1: str | None = None
    sha256: str | None = None
    pdq: bytes | None = None
    pdq_quality: int | None = None
    photodna: str | None = None
    category: str | None = None
    series: str | None = None
    victim_identified: bool | None = None
    offender_identified: bool | None = None
    is_distributed: bool | None = None
    source_media_id: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def has_hash(self) -> bool:
        """True when the entry can be matched or compared at all."""
        return any((self.md5, self.sha1, self.sha256, self.pdq, self.photodna))


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """An entry left out of the import, where it was and why."""

    locator: str
    reason: str


@dataclass(slots=True)
class SourceFacts:
    """What a reader learned about the file; final once its entries are exhausted."""

    scheme: str
    known_good: bool = False
    format_version: str | None = None
    model: str | None = None
    notes: list[str] = field(default_factory=list)


class CountingStream(io.RawIOBase):
    """A read-only byte stream that counts what was read, so progress can follow bytes."""

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__()
        self._raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        count = self._raw.readinto(buffer)
        self.bytes_read += count
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class ReadContext:
    """Collects what one read learns and skips; `bytes_read` follows the reader's progress."""

    def __init__(self, default_scheme: str) -> None:
        self.facts = SourceFacts(scheme=default_scheme)
        self.skipped_count = 0
        self.skip_samples: list[SkippedEntry] = []
        self.skip_reasons: Counter[str] = Counter()
        self._streams: list[CountingStream] = []

    def skip(self, locator: str, reason: str) -> None:
        """Count a left-out entry; the first SKIP_SAMPLE_LIMIT are kept with their locator."""
        self.skipped_count += 1
        self.skip_reasons[reason] += 1
        if len(self.skip_samples) < SKIP_SAMPLE_LIMIT:
            self.skip_samples.append(SkippedEntry(locator, reason))

    def open_source(self, path: Path) -> CountingStream:
        """Open the hash-set file read-only, counting bytes for progress; close it when done."""
        try:
            raw = path.open("rb")
        except OSError as err:
            msg = f"cannot open {path}: {err.strerror or err}"
            raise InvalidInput(msg) from err
        stream = CountingStream(raw)
        self._streams.append(stream)
        return stream

    @property
    def bytes_read(self) -> int:
        """Bytes read so far through `open_source` streams."""
        return sum(stream.bytes_read for stream in self._streams)


@runtime_checkable
class HashSetReader(Protocol):
    """A hash-set format: `name` is what `--format` takes; `default_scheme` names its categories."""

    name: str
    default_scheme: str

    def detect(self, path: Path, head: bytes) -> float:
        """How sure (0.0–1.0) this reader is that the file is its format, from content."""
        ...

    def read(self, path: Path, ctx: ReadContext) -> Iterator[HashEntry]:
        """Stream the entries; facts and skips go to `ctx`."""
        ...


def clean_digest(raw: object, kind: str) -> str | None:
    """A hex digest of `kind` (md5, sha1, sha256, pdq) lower-cased; None when absent or blank."""
    if raw is None:
        return None
    label = kind.upper()
    if not isinstance(raw, str):
        msg = f"{label} is not text"
        raise ValueError(msg)
    text = raw.strip()
    if not text:
        return None
    length = DIGEST_HEX_LENGTHS[kind]
    if len(text) != length or not _HEX_RE.fullmatch(text):
        msg = f"{label} is not {length} hex digits"
        raise ValueError(msg)
    return text.lower()


def clean_pdq(raw: object) -> bytes | None:
    """A PDQ hash given as 64 hex digits, as the 32 bytes the store keeps."""
    hex_text = clean_digest(raw, "pdq")
    return None if hex_text is None else bytes.fromhex(hex_text)


def clean_quality(raw: object) -> int | None:
    """A PDQ quality 0–100 (int, integral float or digits); None when absent or blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    number = _as_integral(raw)
    if number is None or not 0 <= number <= 100:
        msg = "PDQ quality is not a whole number from 0 to 100"
        raise ValueError(msg)
    return number


def parse_flag(raw: object) -> bool | None:
    """A VICS/CSV boolean: JSON true/false, "true"/"false" in any case, 0/1; None when absent.

    Raises ValueError for anything else so the caller can keep the raw value aside.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        if not text:
            return None
        if text in _TRUE_TEXT:
            return True
        if text in _FALSE_TEXT:
            return False
    msg = f"{raw!r} is not a boolean"
    raise ValueError(msg)


def category_text(raw: object) -> str | None:
    """The source's category as text: 1 and 1.0 and " 1 " are all "1"; None when absent or blank."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        msg = f"category {raw!r} is neither a number nor text"
        raise ValueError(msg)
    if isinstance(raw, str):
        return raw.strip() or None
    number = _as_integral(raw)
    if number is not None:
        return str(number)
    if isinstance(raw, float) and not math.isfinite(raw):
        msg = f"category {raw!r} is not a finite number"
        raise ValueError(msg)
    return repr(raw)


def label_text(raw: object) -> str | None:
    """A free label (series, media id) as text; numbers become their digits."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    msg = f"{raw!r} is not text or a whole number"
    raise ValueError(msg)


def _as_integral(raw: object) -> int | None:
    """An int from an int, an integral finite float, or a string of digits; None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if math.isfinite(raw) and raw.is_integer() else None
    if isinstance(raw, str):
        text = raw.strip()
        return int(text) if _INTEGER_RE.fullmatch(text) else None
    return None
