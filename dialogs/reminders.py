"""Reminders about unfinished reports, and to supervisors about the reports waiting for their
review: who gets one now, and what it says.

The decisions are made by the pure planner in ``dialogs.deadlines``; this module reads the
store for it and words the message. The bot records each reminder before sending it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from dialogs import texts
from dialogs.buttons import MuteReminders, OpenReport, ViewReviewed
from dialogs.deadlines import (
    REMINDER_KIND,
    REVIEW_REMINDER_KIND,
    ReminderSlot,
    days_left,
    due_slot,
    effective_deadline,
    reporting_year,
    statutory_deadline,
)
from dialogs.model import OutMessage, button
from dialogs.progress import Completion, completion
from storage import Organisation, Role, Store
from storage.reminders import OfficeForReminders, ReminderSnapshot, WaitingForReview

MAX_ERRORS_SHOWN = 3
#: Reports listed (each with its button) in one reminder to a supervisor; the rest are counted.
MAX_WAITING_SHOWN = 20
#: The roles that fill in a report (and get its reminders).
FILLING_ROLES = (Role.CLERK, Role.ADMIN)


@dataclass(frozen=True)
class PendingReminder:
    person_id: int
    report_id: int
    due: date
    kind: str
    message: OutMessage


def format_date(day: date) -> str:
    return texts.DATE.format(
        year=day.year, month=day.month, day=day.day, weekday=texts.WEEKDAYS[day.weekday()]
    )


def deadline_for(store: Store, org_id: int, year: int) -> tuple[date, Organisation | None]:
    """The deadline of an organisation's report, and the office that set it (None: statutory)."""
    setters = [(store.internal_deadline(o.id, year), o) for o in store.ancestors(org_id)]
    chosen = effective_deadline(year, [d for d, _ in setters if d is not None])
    office = next((o for d, o in setters if d == chosen), None)
    return chosen, office


def report_completion(store: Store, report_id: int) -> Completion:
    stored = store.report_by_id(report_id)
    return completion(
        store.load(report_id),
        store.previous_report(stored.organisation_id, stored.year),
        store.accepted_warnings(report_id),
    )


def reminder_message(
    organisation: str, year: int, report_id: int, deadline: date, today: date, done: Completion
) -> OutMessage:
    """Days left, what is missing section by section, the open errors, and the buttons."""
    left = days_left(today, deadline)
    head = (
        texts.REMINDER if left > 0 else texts.REMINDER_TODAY if left == 0 else texts.REMINDER_LATE
    )
    lines = [
        head.format(
            organisation=escape(organisation),
            year=year,
            date=format_date(deadline),
            days=abs(left),
            statutory=format_date(statutory_deadline(year)),
        )
    ]
    for gap in done.gaps:
        details = [
            template.format(count=count)
            for template, count in (
                (texts.GAP_PARTS, gap.parts),
                (texts.GAP_ROWS, gap.rows),
                (texts.GAP_OTHER, gap.other),
            )
            if count
        ]
        lines.append(texts.REMINDER_GAP.format(heading=gap.heading, detail="、".join(details)))
    if not done.gaps:
        lines.append(texts.REMINDER_NO_GAPS)
    if done.errors:
        lines.append(texts.REMINDER_ERRORS.format(count=len(done.errors)))
        lines.extend(
            texts.REMINDER_ERROR.format(number=n, description=escape(v.describe()))
            for n, v in enumerate(done.errors[:MAX_ERRORS_SHOWN], start=1)
        )
    lines.append(texts.REMINDER_MUTE_HINT)
    buttons = [
        [button(texts.BTN_REMINDER_CONTINUE, OpenReport(report_id))],
        [button(texts.BTN_MUTE, MuteReminders(report_id, muted=True))],
    ]
    return OutMessage(text="\n".join(lines), buttons=buttons)


def fillers(store: Store, org_id: int) -> list[int]:
    """The people who fill in the organisation's report."""
    return [m.person_id for m in store.members(org_id) if m.role in FILLING_ROLES]


def pending_reminders(store: Store, now: datetime) -> list[PendingReminder]:
    """Every reminder due at local time ``now`` that has not been recorded yet: to the clerks
    of each unfinished report (not one handed in for review or approved), and to each
    supervisor one listing the reports waiting for their review (``review_reminders``).

    Set-based: one snapshot of every office (a few queries), the calendar decided per distinct
    deadline, and a report's figures read and checked only for offices with a reminder due
    now. Nobody the bot cannot reach is planned (they are again once they write to it)."""
    year = reporting_year(now.date())
    statutory = statutory_deadline(year)
    snapshot = store.reminder_snapshot(year, now.date(), REMINDER_KIND, REVIEW_REMINDER_KIND)
    due: list[tuple[OfficeForReminders, date, ReminderSlot, list[int]]] = []
    for office in snapshot.offices:
        deadline = _deadline(office.id, snapshot, year)
        slot = due_slot(now, deadline, until=statutory)
        if slot is None or office.finished:
            continue
        people = [p for p in office.fillers if p not in snapshot.unreachable]
        if office.report_id is not None:
            people = [
                p
                for p in people
                if (p, office.report_id) not in snapshot.muted
                and (p, office.report_id) not in snapshot.sent_today
            ]
        if people:
            due.append((office, deadline, slot, people))
    # Offices nobody has started yet get their (empty) report, all in one transaction.
    with store.transaction():
        report_ids = {
            office.id: office.report_id or _created(store, office.id, year) for office, *_ in due
        }
    pending: list[PendingReminder] = []
    seen: dict[tuple[object, ...], Completion] = {}
    for office, deadline, slot, people in due:
        report_id = report_ids[office.id]
        message = reminder_message(
            office.name, year, report_id, deadline, now.date(), _completion(store, report_id, seen)
        )
        pending.extend(
            PendingReminder(p, report_id, slot.send_on, REMINDER_KIND, message) for p in people
        )
    pending.extend(review_reminders(snapshot, now, year))
    return pending


def review_reminders(snapshot: ReminderSnapshot, now: datetime, year: int) -> list[PendingReminder]:
    """One reminder per supervisor on a reminder day of the reports waiting for their review
    (by the deadline of each report's office), listing them all; none when none wait, none to
    somebody already reminded of them today, unreachable, or who muted the report. Recorded
    under the report that has waited longest."""
    statutory = statutory_deadline(year)
    waiting_for: dict[int, list[WaitingForReview]] = {}
    for waiting in snapshot.waiting:
        deadline = _deadline(waiting.organisation_id, snapshot, year)
        if due_slot(now, deadline, until=statutory) is None:
            continue
        for person in _supervisors_above(waiting.organisation_id, snapshot):
            if (
                person in snapshot.unreachable
                or person in snapshot.reviewers_reminded
                or (person, waiting.report_id) in snapshot.muted
            ):
                continue
            waiting_for.setdefault(person, []).append(waiting)
    return [
        PendingReminder(
            person,
            reports[0].report_id,
            now.date(),
            REVIEW_REMINDER_KIND,
            review_reminder_message(reports, year, now),
        )
        for person, reports in waiting_for.items()
    ]


def review_reminder_message(
    waiting: list[WaitingForReview], year: int, now: datetime
) -> OutMessage:
    """The reports waiting for the supervisor, longest first: the office, since when (days
    counted by the calendar of ``now``'s zone), and a button to open each."""
    zone = now.tzinfo
    lines = [
        texts.REVIEW_REMINDER.format(
            count=len(waiting), year=year, statutory=format_date(statutory_deadline(year))
        )
    ]
    buttons = []
    for number, report in enumerate(waiting[:MAX_WAITING_SHOWN], start=1):
        since = report.since.astimezone(zone)
        days = (now.date() - since.date()).days
        waited = (
            texts.REVIEW_REMINDER_WAITED.format(date=f"{since.month}月{since.day}日", days=days)
            if days > 0
            else texts.REVIEW_REMINDER_TODAY
        )
        lines.append(
            texts.REVIEW_REMINDER_LINE.format(
                number=number, organisation=escape(report.organisation), waited=waited
            )
        )
        label = texts.BTN_REVIEW_REMINDER_OPEN.format(office=report.short_name)
        buttons.append([button(label, ViewReviewed(report.report_id))])
    if len(waiting) > MAX_WAITING_SHOWN:
        lines.append(texts.REVIEW_REMINDER_MORE.format(count=len(waiting) - MAX_WAITING_SHOWN))
    lines.append(texts.REVIEW_REMINDER_HINT)
    return OutMessage(text="\n".join(lines), buttons=buttons)


def _supervisors_above(org_id: int, snapshot: ReminderSnapshot) -> list[int]:
    """The supervisors of every office above ``org_id``, the nearest first."""
    found: dict[int, None] = {}
    current = snapshot.parents.get(org_id)
    for _ in range(32):
        if current is None:
            break
        found.update(dict.fromkeys(snapshot.supervisors.get(current, ())))
        current = snapshot.parents.get(current)
    return list(found)


def _completion(
    store: Store, report_id: int, seen: dict[tuple[object, ...], Completion]
) -> Completion:
    """The report's completion, computed once per distinct content in a planning run (most
    offices not yet started have the same empty report)."""
    stored = store.report_by_id(report_id)
    report = store.load(report_id)
    previous = store.previous_report(stored.organisation_id, stored.year)
    accepted = store.accepted_warnings(report_id)
    key = (
        report.format.id,
        tuple(sorted(report.figures.items())),
        tuple(sorted(report.texts.items())),
        None if previous is None else (previous.format.id, tuple(sorted(previous.figures.items()))),
        tuple(sorted(accepted.items())),
    )
    if key not in seen:
        seen[key] = completion(report, previous, accepted)
    return seen[key]


def _created(store: Store, org_id: int, year: int) -> int:
    stored = store.report(org_id, year)
    assert stored is not None
    return stored.id


def _deadline(org_id: int, snapshot: ReminderSnapshot, year: int) -> date:
    """The earliest deadline set by the offices above ``org_id``, or the statutory one."""
    found: list[date] = []
    current = snapshot.parents.get(org_id)
    for _ in range(32):
        if current is None:
            break
        if (day := snapshot.internal_deadlines.get(current)) is not None:
            found.append(day)
        current = snapshot.parents.get(current)
    return effective_deadline(year, found)
