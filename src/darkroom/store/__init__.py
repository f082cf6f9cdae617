"""The case store: one folder, one SQLite database (`case.db`, WAL), derived files beside it."""

from darkroom.store.case import CaseStore

__all__ = ["CaseStore"]
