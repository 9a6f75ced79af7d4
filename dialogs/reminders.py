"""Reminders about unfinished reports: who gets one now, and what it says.

The decisions are made by the pure planner in ``dialogs.deadlines``; this module reads the
store for it and words the message. The bot records each reminder before sending it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from dialogs import texts
from dialogs.buttons import MuteReminders, OpenReport
from dialogs.deadlines import (
    REMINDER_KIND,
    Recipient,
    days_left,
    due_reminders,
    due_slot,
    effective_deadline,
    reporting_year,
)
from dialogs.model import OutMessage, button
from dialogs.progress import Completion, completion
from report.review import LOCKED
from storage import Organisation, ReportStatus, Role, Store

MAX_ERRORS_SHOWN = 3
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
    head = texts.REMINDER if left > 0 else texts.REMINDER_TODAY
    lines = [
        head.format(
            organisation=escape(organisation), year=year, date=format_date(deadline), days=left
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
    """Every reminder due at local time ``now`` that has not been recorded yet."""
    year = reporting_year(now.date())
    pending: list[PendingReminder] = []
    sent = {(r.person_id, r.report_id, r.due, r.kind) for r in store.reminders()}
    for organisation in store.organisations():
        people = fillers(store, organisation.id)
        if not people:
            continue
        deadline, _ = deadline_for(store, organisation.id, year)
        if due_slot(now, deadline) is None:
            continue
        stored = store.report(organisation.id, year)
        assert stored is not None
        # Handed in for review or approved: nothing for the clerks to do (issue 17).
        finished = stored.status is ReportStatus.FINAL or store.review(stored.id).status in LOCKED
        recipients = [
            Recipient(p, stored.id, finished, muted=store.reminders_muted(p, stored.id))
            for p in people
        ]
        slot, chosen = due_reminders(now, deadline, recipients)
        if slot is None:
            continue
        chosen = [
            r for r in chosen if (r.person_id, stored.id, slot.send_on, REMINDER_KIND) not in sent
        ]
        if not chosen:
            continue
        message = reminder_message(
            organisation.name,
            year,
            stored.id,
            deadline,
            now.date(),
            report_completion(store, stored.id),
        )
        pending.extend(
            PendingReminder(r.person_id, stored.id, slot.send_on, REMINDER_KIND, message)
            for r in chosen
        )
    return pending
