"""What the store raises: typed data (a kind and the values), never a sentence for a person.

The layers that speak to people word these (``dialogs.errors.describe``); ``str(error)`` is a
short English line for logs.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

InviteProblem = Literal["unknown", "expired", "used"]
FaultKind = Literal["busy", "full", "readonly", "io"]
MissingKind = Literal["organisation", "person", "report"]
NameProblem = Literal["empty", "too_long", "forbidden", "duplicate"]
OpenProblem = Literal["too_new", "not_a_database", "busy", "cannot_open"]
LedgerProblem = Literal["wrong_year", "wrong_format", "unmapped", "bad_target"]
CommentProblem = Literal["empty", "too_long"]


class StorageError(Exception):
    """Base of every storage error; ``str()`` is an English line for the log."""


class NotFound(StorageError):
    """An organisation, person or report (``kind``) with this ``id`` does not exist."""

    def __init__(self, kind: MissingKind, id: int) -> None:
        super().__init__(f"{kind} {id} not found")
        self.kind: MissingKind = kind
        self.id = id


class BadName(StorageError):
    """An organisation name that cannot be registered: empty, longer than ``limit``, with a
    forbidden character, or already taken (``name``)."""

    def __init__(self, kind: NameProblem, *, name: str = "", limit: int = 0) -> None:
        super().__init__(f"organisation name refused ({kind}): {name!r}")
        self.kind: NameProblem = kind
        self.name = name
        self.limit = limit


class AmbiguousName(StorageError):
    """A short name that several organisations share (their full names: ``candidates``)."""

    def __init__(self, name: str, candidates: tuple[str, ...]) -> None:
        super().__init__(f"short name {name!r} is shared by {len(candidates)} organisations")
        self.name = name
        self.candidates = candidates


class InviteError(StorageError):
    """An invite code that cannot be redeemed; ``reason`` says why."""

    def __init__(self, reason: InviteProblem) -> None:
        super().__init__(f"invite refused ({reason})")
        self.reason: InviteProblem = reason


class FormatMismatch(StorageError):
    """The organisation's report on ``year`` is already kept in another format.

    ``organisation`` is its full name; the formats are format ids."""

    def __init__(self, *, organisation: str, year: int, existing: str, requested: str) -> None:
        super().__init__(f"the {year} report is kept as {existing}, not {requested}")
        self.organisation = organisation
        self.year = year
        self.existing = existing
        self.requested = requested


class StaleWrite(StorageError):
    """A write based on an older version of a cell than the one stored; nothing was written.

    The attributes describe the first stale target (``label``: how a user knows it;
    ``current_value`` None: it was cleared; ``person_id``: who wrote it, if known);
    ``targets`` lists all of them.
    """

    def __init__(
        self,
        *,
        target: str,
        label: str,
        expected_version: int,
        current_version: int,
        current_value: str | None,
        person_id: int | None,
        targets: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            f"stale write to {target}: version {expected_version}, stored {current_version}"
        )
        self.target = target
        self.label = label
        self.expected_version = expected_version
        self.current_version = current_version
        self.current_value = current_value
        self.person_id = person_id
        self.targets = targets or (target,)


class ReviewRefused(StorageError):
    """A review step that does not apply now; ``reason`` (a ``report.review.Refusal``) says why,
    ``status`` and ``event`` are the ``ReviewStatus`` and ``ReviewEvent`` values, ``count`` the
    number the refusal speaks of. Nothing was written.
    """

    def __init__(self, *, reason: str, status: str, event: str, count: int = 0) -> None:
        super().__init__(f"review step {event} refused in {status}: {reason}")
        self.reason = reason
        self.status = status
        self.event = event
        self.count = count


class ReportLocked(StorageError):
    """A write to a report that waits for review or is approved (``status``); nothing was
    written."""

    def __init__(self, *, status: str) -> None:
        super().__init__(f"report is locked ({status})")
        self.status = status


class CommentRefused(StorageError):
    """A review comment that is empty or longer than ``limit`` characters."""

    def __init__(self, kind: CommentProblem, *, limit: int = 0) -> None:
        super().__init__(f"comment refused ({kind})")
        self.kind: CommentProblem = kind
        self.limit = limit


class LedgerRefused(StorageError):
    """A ledger counting that cannot go into the report, or a wording choice that names no row.

    ``wrong_year``: counted for ``counted_year``, the report is on ``year``; ``wrong_format``:
    counted with ``counted_format``, the report uses ``format_id``; ``unmapped``: ``count``
    wordings still have no row; ``bad_target``: ``target`` is no row or column of table 三.
    """

    def __init__(
        self,
        kind: LedgerProblem,
        *,
        year: int = 0,
        counted_year: int = 0,
        format_id: str = "",
        counted_format: str = "",
        count: int = 0,
        target: str = "",
    ) -> None:
        super().__init__(f"ledger counting refused ({kind})")
        self.kind: LedgerProblem = kind
        self.year = year
        self.counted_year = counted_year
        self.format_id = format_id
        self.counted_format = counted_format
        self.count = count
        self.target = target


class CannotOpen(StorageError):
    """The database file at ``path`` cannot be opened: made by a newer program (schema
    ``found`` > ``known``), not a database, held by another program, or not reachable;
    ``reason`` is the driver's own (English) explanation."""

    def __init__(
        self, kind: OpenProblem, *, path: str, reason: str = "", found: int = 0, known: int = 0
    ) -> None:
        super().__init__(f"cannot open {path} ({kind}) {reason}".rstrip())
        self.kind: OpenProblem = kind
        self.path = path
        self.reason = reason
        self.found = found
        self.known = known


class DatabaseFault(StorageError):
    """The database file could not be written or read (busy, disk full, read-only, I/O error);
    the transaction was rolled back, nothing of it is stored. ``kind`` says which, for the layer
    that tells a person."""

    def __init__(self, kind: FaultKind) -> None:
        super().__init__(f"database fault ({kind})")
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
