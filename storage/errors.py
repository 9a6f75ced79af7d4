"""What the store raises. ``message`` is a Chinese sentence fit to show a user."""

from __future__ import annotations

import sqlite3
from typing import Literal

InviteProblem = Literal["unknown", "expired", "used"]
FaultKind = Literal["busy", "full", "readonly", "io"]


class StorageError(Exception):
    """Base of every storage error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(StorageError):
    """An organisation, person or report that does not exist."""


class AmbiguousName(StorageError):
    """A short name that several organisations share."""

    def __init__(self, message: str, candidates: tuple[str, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


class InviteError(StorageError):
    """An invite code that cannot be redeemed; ``reason`` says why."""

    def __init__(self, reason: InviteProblem, message: str) -> None:
        super().__init__(message)
        self.reason: InviteProblem = reason


class StaleWrite(StorageError):
    """A write based on an older version of a cell than the one stored; nothing was written.

    The attributes describe the first stale target; ``targets`` lists all of them.
    """

    def __init__(
        self,
        message: str,
        *,
        target: str,
        expected_version: int,
        current_version: int,
        current_value: str | None,
        person_id: int | None,
        targets: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.target = target
        self.expected_version = expected_version
        self.current_version = current_version
        self.current_value = current_value
        self.person_id = person_id
        self.targets = targets or (target,)


class ReviewRefused(StorageError):
    """A review step that does not apply now; ``reason`` (a ``report.review.Refusal``) says why.

    Nothing was written.
    """

    def __init__(self, message: str, *, reason: str, status: str, event: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.event = event


class ReportLocked(StorageError):
    """A write to a report that waits for review or is approved; nothing was written."""

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message)
        self.status = status


class DatabaseFault(StorageError):
    """The database file could not be written or read (busy, disk full, read-only, I/O error);
    the transaction was rolled back, nothing of it is stored. ``kind`` says which, for the layer
    that tells a person."""

    def __init__(self, message: str, kind: FaultKind) -> None:
        super().__init__(message)
        self.kind: FaultKind = kind


_FAULT_KINDS: dict[int, FaultKind] = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_CANTOPEN: "readonly",
}


def fault_kind(error: sqlite3.Error) -> FaultKind:
    """Which kind of :class:`DatabaseFault` a driver error is (by its primary result code)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return "io"
    return _FAULT_KINDS.get(code & 0xFF, "io")
