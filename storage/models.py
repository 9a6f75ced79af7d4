"""The values the store hands out: frozen dataclasses, datetimes timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from report.review import Place, ReviewEvent, ReviewStatus


class Role(StrEnum):
    """What a person may do in an organisation."""

    CLERK = "clerk"
    ADMIN = "admin"
    #: Set on a parent office: sees the reports of the organisations below it.
    SUPERVISOR = "supervisor"


class ReportStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Organisation:
    id: int
    name: str
    short_name: str
    parent_id: int | None


@dataclass(frozen=True)
class Person:
    #: The Telegram user id.
    id: int
    display_name: str


@dataclass(frozen=True)
class Membership:
    person_id: int
    organisation_id: int
    role: Role


@dataclass(frozen=True)
class Invite:
    code: str
    organisation_id: int
    role: Role
    expires_at: datetime
    used_by: int | None


@dataclass(frozen=True)
class StoredReport:
    id: int
    organisation_id: int
    year: int
    format_id: str
    status: ReportStatus
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    report_id: int
    #: A cell id, ``text:<part_id>``, ``status``, ``format`` or ``warning:<key>``.
    target: str
    old: str | None
    new: str | None
    person_id: int | None
    at: datetime
    #: Where the change came from (a Telegram update, ``update_source``; an import), if the
    #: caller said.
    source: str | None

    @property
    def update(self) -> UpdateOrigin | None:
        """The Telegram update that made the change, if one did (rows of either form)."""
        return update_origin(self.source)


@dataclass(frozen=True)
class UpdateOrigin:
    """A Telegram update as an audit source names it."""

    #: The bot it came to; None in rows written before the source named the bot (one bot
    #: then: the first token's).
    bot_id: int | None
    update_id: int


def update_source(bot_id: int, update_id: int) -> str:
    """The audit source of a change made by a Telegram update: ``update:<bot id>:<update id>``,
    since each bot counts its update ids on its own (two bots' updates may share a number)."""
    return f"update:{bot_id}:{update_id}"


def update_origin(source: str | None) -> UpdateOrigin | None:
    """The update an audit source names: ``update:<bot id>:<update id>``, or the older
    ``update:<update id>`` (no bot); None for any other source."""
    kind, _, rest = (source or "").partition(":")
    if kind != "update":
        return None
    first, _, second = rest.partition(":")
    try:
        if not second:
            return UpdateOrigin(None, int(first))
        return UpdateOrigin(int(first), int(second))
    except ValueError:
        return None


@dataclass(frozen=True)
class Reminder:
    """A reminder that was sent to a person about a report."""

    person_id: int
    report_id: int
    due: date
    kind: str
    sent_at: datetime


@dataclass(frozen=True)
class Review:
    """Where a report is in its review (status is a ``report.review.ReviewStatus``)."""

    report_id: int
    status: ReviewStatus
    #: When the report entered this status (None: never handed in).
    since: datetime | None
    submitted_at: datetime | None
    returned_at: datetime | None
    approved_at: datetime | None
    approved_by: int | None


@dataclass(frozen=True)
class ReviewRecord:
    """One review step taken: submit, resubmit, withdraw, return, approve or reopen."""

    id: int
    report_id: int
    event: ReviewEvent
    old_status: ReviewStatus
    new_status: ReviewStatus
    person_id: int | None
    at: datetime
    note: str | None


@dataclass(frozen=True)
class Comment:
    """A supervisor's comment pinned to a place, given with a return."""

    id: int
    report_id: int
    #: The return it came with (a ``ReviewRecord`` id).
    event_id: int
    place: Place
    text: str
    person_id: int | None
    created_at: datetime
    #: When the clerk changed its place after the return (None: still open).
    answered_at: datetime | None
    answered_by: int | None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


@dataclass(frozen=True)
class MemberReview:
    """One member office's report on /progress: its review status and how long it has waited."""

    organisation: Organisation
    report_id: int | None
    status: ReviewStatus
    since: datetime | None
    #: Time in this status (None when never handed in or no report yet).
    waited: timedelta | None
    open_comments: int
