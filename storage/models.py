"""The values the store hands out: frozen dataclasses, datetimes timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


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
    #: Where the change came from (a Telegram message, an import), if the caller said.
    source: str | None


@dataclass(frozen=True)
class Reminder:
    """A reminder that was sent to a person about a report."""

    person_id: int
    report_id: int
    due: date
    kind: str
    sent_at: datetime
