"""What reminder planning reads, for every organisation at once: a handful of queries
instead of several per office, so planning 20,000 offices stays cheap."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storage.base import StoreBase
from storage.codec import date_to_text, text_to_date
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
class ReminderSnapshot:
    """Everything the reminder planner needs for ``year`` and the day ``today``."""

    offices: list[OfficeForReminders]
    parents: dict[int, int | None]
    internal_deadlines: dict[int, date]
    muted: set[tuple[int, int]]
    unreachable: set[int]
    sent_today: set[tuple[int, int]]


class ReminderStore(StoreBase):
    def reminder_snapshot(self, year: int, today: date, kind: str) -> ReminderSnapshot:
        """Offices with fillers, their reports, deadlines set above, mutes, unreachable people
        and the ``kind`` reminders already recorded for ``today``, in six queries."""
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
        return ReminderSnapshot(
            list(offices.values()), parents, deadlines, muted, unreachable, sent
        )
