"""What reminder planning reads, for every organisation at once: a handful of queries
instead of several per office, so planning 20,000 offices stays cheap."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from storage.base import StoreBase
from storage.codec import date_to_text, text_to_date, text_to_datetime
from storage.models import ReportStatus


@dataclass
class OfficeForReminders:
    """One organisation with people who fill in its report."""

    id: int
    name: str
    parent_id: int | None
    fillers: list[int] = field(default_factory=list)
    report_id: int | None = None
    finished: bool = False


@dataclass(frozen=True)
class WaitingForReview:
    """A report handed in for review and not yet approved or returned (issue 17)."""

    report_id: int
    organisation_id: int
    organisation: str
    short_name: str
    since: datetime


@dataclass(frozen=True)
class ReminderSnapshot:
    """Everything the reminder planner needs for ``year`` and the day ``today``."""

    offices: list[OfficeForReminders]
    parents: dict[int, int | None]
    internal_deadlines: dict[int, date]
    muted: set[tuple[int, int]]
    unreachable: set[int]
    sent_today: set[tuple[int, int]]
    #: Reports waiting for review on ``year``, and the supervisors of each organisation.
    waiting: list[WaitingForReview] = field(default_factory=list)
    supervisors: dict[int, list[int]] = field(default_factory=dict)
    #: The supervisors already reminded today of the reports waiting for them.
    reviewers_reminded: set[int] = field(default_factory=set)


class ReminderStore(StoreBase):
    def reminder_snapshot(
        self, year: int, today: date, kind: str, review_kind: str | None = None
    ) -> ReminderSnapshot:
        """Offices with fillers, their reports, deadlines set above, mutes, unreachable people
        and the ``kind`` reminders already recorded for ``today``, in six queries; with
        ``review_kind``, also the reports waiting for review, the supervisors of every office
        and who was reminded of them today, in three more."""
        conn = self._conn
        parents = {r[0]: r[1] for r in conn.execute("SELECT id, parent_id FROM organisations")}
        offices: dict[int, OfficeForReminders] = {}
        rows = conn.execute(
            "SELECT o.id, o.name, o.parent_id, m.person_id FROM memberships m"
            " JOIN organisations o ON o.id = m.organisation_id"
            " WHERE m.role IN ('clerk', 'admin') ORDER BY o.id, m.person_id"
        )
        for org_id, name, parent_id, person_id in rows:
            office = offices.get(org_id) or offices.setdefault(
                org_id, OfficeForReminders(org_id, name, parent_id)
            )
            office.fillers.append(person_id)
        # Handed in for review, or approved: nothing left for the clerks to do (issue 17).
        for report_id, org_id, status, review in conn.execute(
            "SELECT r.id, r.organisation_id, r.status, v.status FROM reports r"
            " LEFT JOIN reviews v ON v.report_id = r.id WHERE r.year = ?",
            (year,),
        ):
            if org_id in offices:
                offices[org_id].report_id = report_id
                offices[org_id].finished = status == ReportStatus.FINAL.value or review in (
                    "submitted",
                    "approved",
                )
        deadlines = {
            org_id: text_to_date(text)
            for org_id, text in conn.execute(
                "SELECT organisation_id, deadline FROM internal_deadlines WHERE year = ?", (year,)
            )
        }
        muted = {(p, r) for p, r in conn.execute("SELECT person_id, report_id FROM reminder_mutes")}
        unreachable = {r[0] for r in conn.execute("SELECT person_id FROM unreachable_people")}
        sent = {
            (p, r)
            for p, r in conn.execute(
                "SELECT person_id, report_id FROM reminders WHERE due = ? AND kind = ?",
                (date_to_text(today), kind),
            )
        }
        snapshot = ReminderSnapshot(
            list(offices.values()), parents, deadlines, muted, unreachable, sent
        )
        if review_kind is not None:
            self._add_waiting(snapshot, year, today, review_kind)
        return snapshot

    def _add_waiting(
        self, snapshot: ReminderSnapshot, year: int, today: date, review_kind: str
    ) -> None:
        conn = self._conn
        snapshot.waiting.extend(
            WaitingForReview(report_id, org_id, name, short_name, text_to_datetime(since))
            for report_id, org_id, name, short_name, since in conn.execute(
                "SELECT r.id, o.id, o.name, o.short_name, v.since FROM reviews v"
                " JOIN reports r ON r.id = v.report_id"
                " JOIN organisations o ON o.id = r.organisation_id"
                " WHERE v.status = 'submitted' AND r.year = ? ORDER BY v.since, r.id",
                (year,),
            )
        )
        for org_id, person_id in conn.execute(
            "SELECT organisation_id, person_id FROM memberships WHERE role = 'supervisor'"
            " ORDER BY organisation_id, created_at, person_id"
        ):
            snapshot.supervisors.setdefault(org_id, []).append(person_id)
        snapshot.reviewers_reminded.update(
            r[0]
            for r in conn.execute(
                "SELECT person_id FROM reminders WHERE due = ? AND kind = ?",
                (date_to_text(today), review_kind),
            )
        )
