"""The case store: one folder, one SQLite database (`case.db`, WAL), derived files beside it."""

from darkroom.store.case import CaseStore, execute_many

__all__ = ["CaseStore", "execute_many"]
