"""Deadlines and reminder dates, and deciding which reminder is due: pure, no I/O.

The statutory deadline for the report on year Y is 31 January of Y+1; an office above may set
an earlier internal one. Reminders go out a fixed number of days before the deadline and on the
day, at a set hour, each moved back to the nearest working day before a weekend or a Chinese
public holiday (``chinese-calendar``; for a year it does not know, weekends only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

#: Days before the deadline on which a reminder is sent (0: on the day).
DEFAULT_OFFSETS: tuple[int, ...] = (30, 14, 7, 3, 1, 0)
SEND_AT = time(9, 0)
REMINDER_KIND = "deadline"


def reporting_year(today: date) -> int:
    """The year a clerk is most likely filling in: from November on the current year's report
    is being prepared; until October, last year's (due 31 January) is the live one."""
    return today.year if today.month >= 11 else today.year - 1


def statutory_deadline(year: int) -> date:
    """31 January of the following year (政府信息公开条例 第五十条)."""
    return date(year + 1, 1, 31)


def effective_deadline(year: int, internal: Iterable[date] = ()) -> date:
    """The earliest of the statutory deadline and the internal ones set above an office."""
    return min([statutory_deadline(year), *internal])


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """A working day in mainland China; weekdays only for a year the calendar does not know.

    Memoised: chinese-calendar checks its whole table on every call, and reminder planning asks
    about the same few dates for every office."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def previous_workday(day: date) -> date:
    """``day`` itself if it is a working day, else the nearest working day before it."""
    for _ in range(60):
        if is_workday(day):
            return day
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class ReminderSlot:
    """One reminder date: sent on ``send_on``; ``days_before`` is the nominal offset."""

    send_on: date
    days_before: int


def reminder_slots(deadline: date, offsets: Iterable[int] = DEFAULT_OFFSETS) -> list[ReminderSlot]:
    """The reminder dates for a deadline, off weekends and holidays, earliest first.

    Offsets that land on the same working day are merged (the one nearer the deadline is kept).
    """
    return list(_reminder_slots(deadline, tuple(sorted(set(offsets), reverse=True))))


@lru_cache(maxsize=256)
def _reminder_slots(deadline: date, offsets: tuple[int, ...]) -> tuple[ReminderSlot, ...]:
    slots: dict[date, int] = {}
    for offset in offsets:
        day = previous_workday(deadline - timedelta(days=offset))
        slots[day] = offset
    return tuple(ReminderSlot(day, offset) for day, offset in sorted(slots.items()))


def due_slot(
    now: datetime,
    deadline: date,
    *,
    offsets: Iterable[int] = DEFAULT_OFFSETS,
    send_at: time = SEND_AT,
) -> ReminderSlot | None:
    """The reminder to send at local time ``now``: the one dated today, once ``send_at`` has
    passed. A reminder whose day has passed is never sent late."""
    if now.time().replace(tzinfo=None) < send_at:
        return None
    today = now.date()
    return next((s for s in reminder_slots(deadline, offsets) if s.send_on == today), None)


@dataclass(frozen=True)
class Recipient:
    """Somebody who fills in a report, as the reminder planner sees them."""

    person_id: int
    report_id: int
    finished: bool
    muted: bool


def due_reminders(
    now: datetime, deadline: date, recipients: Iterable[Recipient], *, send_at: time = SEND_AT
) -> tuple[ReminderSlot | None, list[Recipient]]:
    """Which of ``recipients`` get a reminder at ``now``: nobody with a finished report, nobody
    who muted it, nobody at all unless a reminder is dated today."""
    slot = due_slot(now, deadline, send_at=send_at)
    if slot is None:
        return None, []
    return slot, [r for r in recipients if not r.finished and not r.muted]


def days_left(today: date, deadline: date) -> int:
    return (deadline - today).days


_ISO = re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$")
_SHORT = re.compile(r"^(\d{1,2})[-./月](\d{1,2})日?$")


def parse_deadline(text: str, year: int) -> date | None:
    """A date typed by a clerk for the report on ``year``: ``2027-01-15``, ``1月15日``,
    ``1.15``. Without a year, January (and February) fall in the following year. None if
    it is not a date."""
    text = "".join(text.split())
    try:
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _SHORT.match(text):
            month, day = int(match[1]), int(match[2])
            return date(year + 1 if month <= 2 else year, month, day)
    except ValueError:
        return None
    return None
