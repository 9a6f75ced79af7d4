"""What the store refused, in the words a clerk reads: one sentence per kind of storage error.

The store raises data (``storage.errors``); the chat, the console and the command line all word
it here, so that a sentence is typed once (in ``dialogs/texts.py``).
"""

from __future__ import annotations

from dialogs import texts
from report.formats import get_format
from report.review import Refusal, ReviewEvent, ReviewStatus, TransitionRefused
from storage import Store
from storage.errors import (
    AmbiguousName,
    BadName,
    CannotOpen,
    CommentRefused,
    DatabaseFault,
    FormatMismatch,
    InviteError,
    LedgerRefused,
    NotFound,
    ReportLocked,
    ReviewRefused,
    StaleWrite,
    StorageError,
)

_INVITE = {
    "unknown": texts.INVITE_UNKNOWN,
    "expired": texts.INVITE_EXPIRED,
    "used": texts.INVITE_USED,
}
_BAD_NAME = {
    "empty": texts.STORE_ORG_NAME_EMPTY,
    "too_long": texts.STORE_ORG_NAME_TOO_LONG,
    "forbidden": texts.STORE_ORG_NAME_FORBIDDEN,
    "duplicate": texts.STORE_ORG_DUPLICATE,
}


def describe(error: StorageError, store: Store | None = None) -> str:
    """The sentence that tells a person what ``error`` means (plain text, not HTML).

    A stale write names the colleague who wrote last, looked up in ``store`` when one is given.
    """
    match error:
        case NotFound():
            return texts.STORE_NOT_FOUND[error.kind].format(id=error.id)
        case BadName():
            return _BAD_NAME[error.kind].format(name=error.name, limit=error.limit)
        case AmbiguousName():
            candidates = texts.STORE_NAME_SEPARATOR.join(error.candidates)
            return texts.STORE_ORG_AMBIGUOUS.format(name=error.name, candidates=candidates)
        case InviteError():
            return _INVITE[error.reason]
        case FormatMismatch():
            return texts.STORE_FORMAT_MISMATCH.format(
                name=error.organisation,
                year=error.year,
                existing=get_format(error.existing).name,
                requested=get_format(error.requested).name,
            )
        case StaleWrite():
            return _stale_write(error, store)
        case ReviewRefused():
            return TransitionRefused(
                Refusal(error.reason),
                ReviewStatus(error.status),
                ReviewEvent(error.event),
                error.count,
            ).message
        case ReportLocked():
            return texts.STORE_REPORT_LOCKED[error.status]
        case CommentRefused() if error.kind == "empty":
            return texts.STORE_COMMENT_EMPTY
        case CommentRefused():
            return texts.STORE_COMMENT_TOO_LONG.format(limit=error.limit)
        case LedgerRefused():
            return _ledger(error)
        case CannotOpen():
            return texts.STORE_OPEN_REFUSED[error.kind].format(
                path=error.path, reason=error.reason, found=error.found, known=error.known
            )
        case DatabaseFault():
            return texts.STORE_DATABASE_FAULT
    raise TypeError(f"no wording for {type(error).__name__}")


def colleague(store: Store | None, person_id: int | None) -> str | None:
    """The display name of the person who wrote last, if it is known and not blank."""
    if store is None or person_id is None:
        return None
    person = store.person(person_id)
    return person.display_name if person and person.display_name else None


def _stale_write(error: StaleWrite, store: Store | None) -> str:
    who = colleague(store, error.person_id) or texts.STORE_SOMEONE_ELSE
    if error.current_value is None:
        return texts.STORE_STALE_WRITE_CLEARED.format(label=error.label, who=who)
    value = error.current_value
    if len(value) > texts.STORE_PREVIEW_CHARS:
        value = value[: texts.STORE_PREVIEW_CHARS] + texts.STORE_PREVIEW_CUT
    return texts.STORE_STALE_WRITE.format(label=error.label, who=who, value=value)


def _ledger(error: LedgerRefused) -> str:
    counted_format = get_format(error.counted_format).name if error.counted_format else ""
    report_format = get_format(error.format_id).name if error.format_id else ""
    return texts.STORE_LEDGER_REFUSED[error.kind].format(
        counted_year=error.counted_year,
        year=error.year,
        counted_format=counted_format,
        format=report_format,
        count=error.count,
        target=error.target,
    )
