"""How values are written as SQLite text and read back (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

#: Audit and version targets of narrative parts are ``text:<part_id>``; cells use their own id.
TEXT_PREFIX = "text:"
WARNING_PREFIX = "warning:"
STATUS_TARGET = "status"
FORMAT_TARGET = "format"


def text_target(part_id: str) -> str:
    """The target name of a narrative part."""
    return f"{TEXT_PREFIX}{part_id}"


def part_of(target: str) -> str | None:
    """The part id of a ``text:`` target, or None for a cell."""
    return target[len(TEXT_PREFIX) :] if target.startswith(TEXT_PREFIX) else None


def decimal_to_text(value: Decimal | int) -> str:
    """A figure as exact, normalised text: ``180000``, ``12.5``, ``-3``, ``0``."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"a figure must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"a figure must be a finite number, not {number}")
    if number.is_zero():
        return "0"
    return format(number.normalize(), "f")


def text_to_decimal(text: str) -> Decimal:
    return Decimal(text)


def datetime_to_text(moment: datetime) -> str:
    """A UTC timestamp with microseconds; texts of this form sort in time order."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def text_to_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def date_to_text(day: date) -> str:
    return day.isoformat()


def text_to_date(text: str) -> date:
    return date.fromisoformat(text)


def utc_now() -> datetime:
    return datetime.now(UTC)
