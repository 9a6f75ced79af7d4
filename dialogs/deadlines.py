"""Deadlines and reminder dates, and deciding which reminder is due: pure, no I/O.

The statutory deadline for the report on year Y is 31 January of Y+1; an office above may set
an earlier internal one. Reminders go out a fixed number of days before the deadline and on the
day, at a set hour, each moved back to the nearest working day before a weekend or a Chinese
public holiday (``chinese-calendar``). For a year the calendar has no data for yet (the State
Council publishes each year's holidays in November), a declared fallback applies: weekends,
1 January, the Spring Festival week, and whatever days the administrator adds
(``NIANBAO_HOLIDAYS``).

An office past an earlier internal deadline keeps getting reminders, on the statutory
deadline's schedule, until the statutory deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

#: Days before the deadline on which a reminder is sent (0: on the day).
DEFAULT_OFFSETS: tuple[int, ...] = (30, 14, 7, 3, 1, 0)
SEND_AT = time(9, 0)
REMINDER_KIND = "deadline"
#: The supervisor's reminder of the reports waiting for their review (issue 17).
REVIEW_REMINDER_KIND = "review"
#: The zone dates and times are shown in when none is configured (``NIANBAO_TZ``'s default).
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


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


#: 正月初一 for years beyond the calendar's data (from the published lunar calendar).
SPRING_FESTIVAL: dict[int, date] = {
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
#: The Spring Festival week assumed where the official dates are not known: 除夕 to 初六.
SPRING_FESTIVAL_WEEK = range(-1, 7)
_extra_holidays: frozenset[date] = frozenset()


def configure_holidays(days: Iterable[date]) -> None:
    """Add days off (from the administrator's setting) for years the calendar does not know."""
    global _extra_holidays
    _extra_holidays = frozenset(days)
    is_workday.cache_clear()
    _reminder_slots.cache_clear()


def calendar_knows(year: int) -> bool:
    """Whether chinese-calendar has the official holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def fallback_holidays(year: int) -> frozenset[date]:
    """The declared days off of a year the calendar does not know: 1 January, the Spring
    Festival week (when its date is declared), and the administrator's additions."""
    days = {date(year, 1, 1)}
    festival = SPRING_FESTIVAL.get(year)
    if festival is not None:
        days.update(festival + timedelta(days=d) for d in SPRING_FESTIVAL_WEEK)
    days.update(d for d in _extra_holidays if d.year == year)
    return frozenset(days)


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """A working day in mainland China; for a year the calendar does not know, a weekday that
    is not one of the :func:`fallback_holidays`.

    Memoised: chinese-calendar checks its whole table on every call, and reminder planning asks
    about the same few dates for every office."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5 and day not in fallback_holidays(day.year)


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


def reminder_slots(
    deadline: date, offsets: Iterable[int] = DEFAULT_OFFSETS, *, until: date | None = None
) -> list[ReminderSlot]:
    """The reminder dates for a deadline, off weekends and holidays, earliest first.

    Offsets that land on the same working day are merged (the one nearer the deadline is kept).
    With ``until`` (the statutory deadline) after an earlier internal ``deadline``, the
    statutory schedule's dates after ``deadline`` follow: an office that is late is still
    reminded until the last day.
    """
    ordered = tuple(sorted(set(offsets), reverse=True))
    slots = list(_reminder_slots(deadline, ordered))
    if until is not None and until > deadline:
        slots += [s for s in _reminder_slots(until, ordered) if s.send_on > deadline]
    return slots


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
    until: date | None = None,
) -> ReminderSlot | None:
    """The reminder to send at local time ``now``: the one dated today, once ``send_at`` has
    passed (so a run missed at the hour is made up later the same day). A reminder whose day
    has passed is not sent on another day."""
    if now.time().replace(tzinfo=None) < send_at:
        return None
    today = now.date()
    slots = reminder_slots(deadline, offsets, until=until)
    return next((s for s in slots if s.send_on == today), None)


@dataclass(frozen=True)
class Recipient:
    """Somebody who fills in a report, as the reminder planner sees them."""

    person_id: int
    report_id: int
    finished: bool
    muted: bool


def due_reminders(
    now: datetime,
    deadline: date,
    recipients: Iterable[Recipient],
    *,
    send_at: time = SEND_AT,
    until: date | None = None,
) -> tuple[ReminderSlot | None, list[Recipient]]:
    """Which of ``recipients`` get a reminder at ``now``: nobody with a finished report, nobody
    who muted it, nobody at all unless a reminder is dated today."""
    slot = due_slot(now, deadline, send_at=send_at, until=until)
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
