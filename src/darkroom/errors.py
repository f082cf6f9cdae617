"""The one exception tree of darkroom.

DarkroomError                 root; the CLI prints its message, never a traceback
 ├── CaseError                the case folder cannot be used
 │    ├── NotACase            the folder holds no case.db
 │    ├── CaseExists          `case init` on a folder that already is a case
 │    └── SchemaTooNew        the case was written by a newer darkroom
 ├── InvalidInput             a bad option value (time zone, region, date)
 ├── EvidenceError            exhibit reference reused, source missing or changed kind
 ├── IntegrityError           verification or audit-chain check failed (findings attached)
 ├── WrongFormat              a parser was handed a file of another format
 └── MediaError               an image or video cannot be decoded (corrupt, truncated, a bomb)
"""

from __future__ import annotations


class DarkroomError(Exception):
    """Root of every error darkroom raises on purpose; `exit_code` is what the CLI returns."""

    exit_code = 1


class CaseError(DarkroomError):
    """The case folder cannot be used as asked."""

    exit_code = 2


class NotACase(CaseError):
    """The folder is not a darkroom case (no case.db)."""


class CaseExists(CaseError):
    """`case init` was pointed at a folder that already holds a case."""


class SchemaTooNew(CaseError):
    """The case's schema is newer than this darkroom understands; opening it could corrupt it."""


class InvalidInput(DarkroomError):
    """An option or argument value is not acceptable."""

    exit_code = 2


class EvidenceError(DarkroomError):
    """An exhibit cannot be registered or found as asked."""

    exit_code = 2


class IntegrityError(DarkroomError):
    """A verification found differences; `findings` lists each one for the report."""

    exit_code = 3

    def __init__(self, message: str, findings: list[str] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


class WrongFormat(DarkroomError):
    """A parser was given a file it does not read; the registry tries the next one."""


class DamagedDatabase(DarkroomError):
    """A file with the SQLite header whose schema or pages SQLite cannot read (truncated, corrupt)."""


class MediaError(DarkroomError):
    """An image or video cannot be decoded; `reason` names what is wrong, never pixel content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WebAccessError(DarkroomError):
    """The web server or its user database cannot be used as asked (no such case, a bad server db)."""

    exit_code = 2


class ExportUnavailable(DarkroomError):
    """An export or report section needs a stage this darkroom (or this case) does not have yet."""

    exit_code = 2


class TriageConfigError(InvalidInput):
    """A lexicon or triage profile cannot be used; the message names the file, line and term."""


class MakerNoteError(DarkroomError):
    """A vendor maker note (EXIF 0x927C) cannot be decoded; recorded beside the photo's facts, never fatal."""
