"""The pure deadline and reminder planner."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.deadlines import (
    Recipient,
    ReminderSlot,
    calendar_knows,
    configure_holidays,
    due_reminders,
    due_slot,
    effective_deadline,
    is_workday,
    parse_deadline,
    previous_workday,
    reminder_slots,
    statutory_deadline,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def test_the_statutory_deadline_and_an_earlier_internal_one():
    assert statutory_deadline(2024) == date(2025, 1, 31)
    assert effective_deadline(2024) == date(2025, 1, 31)
    assert effective_deadline(2024, [date(2025, 1, 15), date(2025, 1, 20)]) == date(2025, 1, 15)
    # An "internal" date after the statutory one never extends it.
    assert effective_deadline(2024, [date(2025, 2, 10)]) == date(2025, 1, 31)


def test_reminders_around_the_2025_spring_festival_move_to_the_working_day_before():
    # 2025-01-28 .. 02-04 is the Spring Festival holiday; 01-26 (Sunday) is a make-up workday;
    # 01-01 is New Year's Day.
    assert not is_workday(date(2025, 1, 31)) and is_workday(date(2025, 1, 26))
    assert reminder_slots(date(2025, 1, 31)) == [
        ReminderSlot(date(2024, 12, 31), 30),  # 01-01 is a holiday
        ReminderSlot(date(2025, 1, 17), 14),
        ReminderSlot(date(2025, 1, 24), 7),
        # 3 days, 1 day and the day itself (01-28, 01-30, 01-31) all fall in the holiday:
        # one reminder on the last working day before it.
        ReminderSlot(date(2025, 1, 27), 0),
    ]


def test_a_county_deadline_in_mid_january_keeps_every_reminder():
    slots = reminder_slots(date(2025, 1, 15))
    assert [s.days_before for s in slots] == [30, 14, 7, 3, 1, 0]
    assert slots[0].send_on == date(2024, 12, 16)  # 12-15 is a Sunday
    assert slots[-1].send_on == date(2025, 1, 15)


def test_a_year_the_calendar_does_not_know_falls_back_to_the_declared_holidays():
    # chinese-calendar has no data for 2027: New Year's Day is never a working day, nor the
    # weekend; the 30-day reminder moves back to the last day of 2026.
    assert not calendar_knows(2027) and calendar_knows(2026)
    assert not is_workday(date(2027, 1, 1))
    assert not is_workday(date(2027, 1, 30)) and previous_workday(date(2027, 1, 31)) == date(
        2027, 1, 29
    )
    slots = reminder_slots(date(2027, 1, 31))
    assert [(s.send_on, s.days_before) for s in slots] == [
        (date(2026, 12, 31), 30),  # 2027-01-01 is New Year's Day
        (date(2027, 1, 15), 14),  # 01-17 is a Sunday
        (date(2027, 1, 22), 7),  # 01-24 is a Sunday
        (date(2027, 1, 28), 3),
        (date(2027, 1, 29), 0),  # 01-30 (1 day) and 01-31 (the day) are a weekend
    ]
    assert all(s.send_on != date(2027, 1, 1) for s in slots)


def test_the_spring_festival_week_and_the_administrators_days_are_kept_free():
    # 2028: 正月初一 is 26 January; 除夕 to 初六 (25 January to 1 February) are days off, so the
    # reminders due on the 28th, the 30th and the 31st all move to Monday 24 January.
    week = [date(2028, 1, 25) + timedelta(days=d) for d in range(8)]
    assert not any(is_workday(d) for d in week)
    slots = reminder_slots(date(2028, 1, 31))
    assert all(s.send_on not in week for s in slots)
    assert slots[-1] == ReminderSlot(date(2028, 1, 24), 0)
    try:
        configure_holidays([date(2027, 1, 29), date(2027, 1, 28)])
        assert not is_workday(date(2027, 1, 29))
        assert reminder_slots(date(2027, 1, 31))[-1] == ReminderSlot(date(2027, 1, 27), 0)
    finally:
        configure_holidays([])
    assert is_workday(date(2027, 1, 29))


def test_an_office_past_its_internal_deadline_is_reminded_until_the_statutory_one():
    internal, statutory = date(2025, 1, 15), date(2025, 1, 31)
    slots = reminder_slots(internal, until=statutory)
    days = [s.send_on for s in slots]
    assert days[: len(reminder_slots(internal))] == [s.send_on for s in reminder_slots(internal)]
    assert [d for d in days if d > internal] == [
        date(2025, 1, 17),  # 14 days before the 31st
        date(2025, 1, 24),  # 7 days (the 28th to 4 February is the Spring Festival holiday)
        date(2025, 1, 27),  # 3 and 1 day(s) and the day itself, moved before the holiday
    ]
    late = due_slot(at(date(2025, 1, 24), 9), internal, until=statutory)
    assert late is not None and late.send_on == date(2025, 1, 24)
    assert due_slot(at(date(2025, 1, 24), 9), internal) is None


def test_a_reminder_is_due_from_nine_on_its_own_day_only():
    deadline = date(2025, 1, 31)
    assert due_slot(at(date(2025, 1, 27), 8, 59), deadline) is None
    assert due_slot(at(date(2025, 1, 27), 9), deadline) == ReminderSlot(date(2025, 1, 27), 0)
    assert due_slot(at(date(2025, 1, 27), 23, 30), deadline) is not None
    # The next day the missed reminder is not sent late, and 01-28 has none of its own.
    assert due_slot(at(date(2025, 1, 28), 10), deadline) is None


def test_only_unfinished_unmuted_reports_get_a_reminder():
    people = [
        Recipient(1, 10, finished=False, muted=False),
        Recipient(2, 11, finished=True, muted=False),
        Recipient(3, 12, finished=False, muted=True),
    ]
    slot, chosen = due_reminders(at(date(2025, 1, 24), 9, 5), date(2025, 1, 31), people)
    assert slot == ReminderSlot(date(2025, 1, 24), 7)
    assert [r.person_id for r in chosen] == [1]
    assert due_reminders(at(date(2025, 1, 23), 9, 5), date(2025, 1, 31), people) == (None, [])


def test_dates_typed_by_a_supervisor():
    assert parse_deadline("1月15日", 2025) == date(2026, 1, 15)
    assert parse_deadline("2026-01-15", 2025) == date(2026, 1, 15)
    assert parse_deadline("1.20", 2025) == date(2026, 1, 20)
    assert parse_deadline("12月30日", 2025) == date(2025, 12, 30)
    assert parse_deadline("2月30日", 2025) is None
    assert parse_deadline("下周五", 2025) is None


def test_the_start_up_warns_when_the_calendar_lacks_a_year(caplog):
    from bot.reminders import warn_about_calendar

    assert not warn_about_calendar(2025)  # 2025 and 2026 are known
    assert warn_about_calendar(2026)  # the 2026 report is due in 2027
    assert "no official holidays for 2027" in caplog.text


def test_holidays_from_the_setting():
    from bot.settings import Settings

    settings = Settings(NIANBAO_HOLIDAYS="2027-01-01, 2027-02-05..02-07")
    assert sorted(settings.holidays) == [
        date(2027, 1, 1),
        date(2027, 2, 5),
        date(2027, 2, 6),
        date(2027, 2, 7),
    ]
    with pytest.raises(ValueError, match="NIANBAO_HOLIDAYS"):
        Settings(NIANBAO_HOLIDAYS="下周一")
