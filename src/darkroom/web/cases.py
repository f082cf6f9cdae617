"""Which cases a server serves: every case folder under a cases folder, or one case.

Cases are known by their `case_id` (a UUID in case_settings), so a renamed folder keeps its
memberships. The server database lives in the folder holding the cases.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from darkroom.errors import DarkroomError, WebAccessError
from darkroom.store import CaseStore
from darkroom.store.case import CASE_DB_NAME
from darkroom.web.serverdb import SERVER_DB_NAME


@dataclass(frozen=True, slots=True)
class ServedCases:
    """Where the cases are: `cases_dir` holds them (and the server db); `only_case` narrows to one."""

    cases_dir: Path
    only_case: Path | None = None

    @property
    def server_db_path(self) -> Path:
        """The server database file, beside the cases."""
        return self.cases_dir / SERVER_DB_NAME

    @classmethod
    def for_case(cls, case_dir: Path) -> ServedCases:
        """One case; its parent folder holds the server database."""
        resolved = case_dir.expanduser().resolve()
        if not (resolved / CASE_DB_NAME).is_file():
            raise WebAccessError(f"{resolved} is not a darkroom case (no {CASE_DB_NAME})")
        return cls(resolved.parent, resolved)

    @classmethod
    def for_cases_dir(cls, cases_dir: Path) -> ServedCases:
        """Every case folder directly inside `cases_dir`."""
        resolved = cases_dir.expanduser().resolve()
        if not resolved.is_dir():
            raise WebAccessError(f"{resolved} is not a folder")
        return cls(resolved)

    def case_folders(self) -> list[Path]:
        """The case folders served, by name."""
        if self.only_case is not None:
            return [self.only_case]
        return sorted(p for p in self.cases_dir.iterdir() if (p / CASE_DB_NAME).is_file())


@dataclass(slots=True)
class OpenCase:
    """A served case: its id and name, and the store every request of it uses."""

    case_id: str
    name: str
    folder: Path
    store: CaseStore


@dataclass(slots=True)
class CaseRegistry:
    """The open cases by id; `refresh` picks up case folders added while the server runs."""

    served: ServedCases
    by_id: dict[str, OpenCase] = field(default_factory=dict)
    failed: dict[Path, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Open every case folder not opened yet; a folder that cannot be opened is reported, not fatal."""
        with self._lock:
            known = {case.folder for case in self.by_id.values()}
            for folder in self.served.case_folders():
                if folder in known or folder in self.failed:
                    continue
                try:
                    store = CaseStore.open(folder)
                    info = store.info()
                except DarkroomError as err:
                    self.failed[folder] = str(err)
                    continue
                self.by_id[info.case_id] = OpenCase(info.case_id, info.name, folder, store)

    def get(self, case_id: str) -> OpenCase | None:
        """The case of that id, if served."""
        return self.by_id.get(case_id)

    def cases(self) -> list[OpenCase]:
        """Every served case, by name."""
        return sorted(self.by_id.values(), key=lambda case: (case.name, case.case_id))

    def close(self) -> None:
        """Release every case's connections."""
        with self._lock:
            for case in self.by_id.values():
                case.store.close()
            self.by_id.clear()
