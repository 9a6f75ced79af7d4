"""How values are written as SQLite text and read back (pure functions)."""

from __future__ import annotations

import re
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


_SUFFIXES = ("人民政府", "办事处")
# An administrative area at the front of a name: 江西省, 赣州市, 赣州经开区, 信丰县 ...
_AREA_PREFIX = re.compile(r"^.{2,7}?(?:自治区|自治州|省|市|州|盟|县|区|旗)")
_MIN_SHORT = 2


def default_short_name(name: str) -> str:
    """A shortening of an official name for lists and messages.

    Drops a trailing 人民政府 / 办事处 and the administrative areas in front, as long as at
    least two characters remain: ``赣州经开区蟠龙镇人民政府`` -> ``蟠龙镇``,
    ``信丰县教育体育局`` -> ``教育体育局``, ``信丰县人民政府`` -> ``信丰县``.
    """
    short = name.strip()
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) - len(suffix) >= _MIN_SHORT:
            short = short[: -len(suffix)]
            break
    while (match := _AREA_PREFIX.match(short)) and len(short) - match.end() >= _MIN_SHORT:
        short = short[match.end() :]
    return short


def utc_now() -> datetime:
    return datetime.now(UTC)
