"""Shorter prompts: sentences built from the format and the calendar. Pure functions, no state.

- ``legend``: a table's columns said once (not on each of table 三's 25 rows);
- ``row_echo``: what was recorded, with the row's group and its computed 总计;
- ``part_example``: sample wording in the office's own voice (我镇, 我区, 我局);
- ``report_timing`` / ``timing_sentence`` / ``export_note`` / ``issued_default``: a deadline
  and a signing date that make sense for a back-filled year too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from html import escape

from dialogs import texts
from dialogs.deadlines import reporting_year, statutory_deadline
from report.groups import group_of
from report.layout import Column, Part, ReportFormat
from report.offices import classify_office
from report.parsing import example_row, format_figure, row_total
from report.rowcodes import RowTarget

_UNIT_NOTE = re.compile(r"（单位：[^）]*）")
_LONG_NOTE = re.compile(r"（[^）]{6,}）")


def _names(columns: Sequence[Column]) -> str:
    """``自然人、商业企业…（单位：件）``; each column's unit when they differ."""
    names = [_UNIT_NOTE.sub("", c.name) for c in columns]
    units = [c.unit.symbol for c in columns]
    if len(set(units)) == 1:
        return "、".join(names) + f"（单位：{units[0]}）"
    return "、".join(f"{name}（{unit}）" for name, unit in zip(names, units, strict=True))


def legend(fmt: ReportFormat, table_id: str) -> str:
    """A table's columns, said once: for a table of one header the count, the names, the
    total that is computed and an example; for table 二 one line per block."""
    table = fmt.table(table_id)
    if len(table.blocks) > 1:
        return "\n".join(
            texts.LEGEND_BLOCK.format(title=b.title or "", names=escape(_names(b.entered_columns)))
            for b in table.blocks
        )
    block = table.blocks[0]
    columns = block.entered_columns
    if table_id == "appeals":  # asked group by group: 结果维持、结果纠正、其他结果、尚未审结
        columns = tuple(c for c in columns if c.id.startswith(columns[0].id.split(".")[0] + "."))
    total = row_total(columns, block.columns)
    return texts.LEGEND.format(
        count=len(columns),
        names=escape(_names(columns)),
        total=texts.LEGEND_TOTAL.format(total=total.name) if total is not None else "",
        example=example_row(columns),
    )


def short_label(label: str) -> str:
    """A row label without its long note: ``（二）部分公开`` for ``（二）部分公开（区分处理的…）``."""
    return _LONG_NOTE.sub("", label.replace("\n", ""))


def row_echo(fmt: ReportFormat, target: RowTarget, values: Sequence[Decimal]) -> str:
    """``已记录 （三）不予公开 › 3.危及“三安全一稳定”：3 0 0 0 0 0，总计 3``."""
    shown = " ".join(format_figure(v) for v in values)
    total = (
        texts.ROW_SAVED_TOTAL.format(total=format_figure(sum(values, Decimal(0))))
        if target.total is not None
        else ""
    )
    group = group_of(fmt, target.key)
    label = escape(short_label(target.label))
    if group is not None:
        return texts.ROW_SAVED_GROUP.format(
            group=escape(group.label), label=label, values=shown, total=total
        )
    return texts.ROW_SAVED_PLAIN.format(label=label, values=shown, total=total)


def part_example(part: Part, organisation: str) -> str:
    """The sample wording of a part in the office's own voice (a district bureau is not
    shown ``我镇…``); the format's own example where there is no kind-specific one."""
    office = classify_office(organisation)
    template = texts.PART_EXAMPLES.get(office.kind, {}).get(part.id)
    if template is None:
        return part.example
    return template.format(self=office.self_name, level=office.self_name[1:])


# --- deadlines ------------------------------------------------------------------------------


class TimingState(StrEnum):
    AHEAD = "ahead"
    TODAY = "today"
    #: Past the deadline while the year is still the one being reported on.
    LATE = "late"
    #: A past year's report entered after its cycle is over (补报, or last year's for reference).
    BACKFILL = "backfill"


@dataclass(frozen=True)
class Timing:
    year: int
    deadline: date
    #: Days to the deadline (negative once it has passed).
    days_left: int
    state: TimingState


def report_timing(year: int, today: date, deadline: date | None = None) -> Timing:
    """Where a report on ``year`` stands on ``today`` against its deadline (statutory unless
    an internal one is given). A year whose cycle is over (``reporting_year`` has moved past
    it) is a back-fill, never "due" on a date long gone."""
    deadline = deadline or statutory_deadline(year)
    left = (deadline - today).days
    if left > 0:
        state = TimingState.AHEAD
    elif left == 0:
        state = TimingState.TODAY
    elif reporting_year(today) > year:
        state = TimingState.BACKFILL
    else:
        state = TimingState.LATE
    return Timing(year, deadline, left, state)


def _date(day: date, state: TimingState = TimingState.AHEAD) -> str:
    """A date ahead with its weekday (to plan by); one gone by, plainly (a weekday in brackets
    inside a bracket reads badly)."""
    if state in (TimingState.LATE, TimingState.BACKFILL):
        return texts.DATE_PLAIN.format(year=day.year, month=day.month, day=day.day)
    return texts.DATE.format(
        year=day.year, month=day.month, day=day.day, weekday=texts.WEEKDAYS[day.weekday()]
    )


def timing_sentence(year: int, today: date, deadline: date | None = None) -> str:
    """One sentence on the deadline that is true on ``today``."""
    timing = report_timing(year, today, deadline)
    template = {
        TimingState.AHEAD: texts.TIMING_AHEAD,
        TimingState.TODAY: texts.TIMING_TODAY,
        TimingState.LATE: texts.TIMING_LATE,
        TimingState.BACKFILL: texts.TIMING_BACKFILL,
    }[timing.state]
    return template.format(
        year=year, date=_date(timing.deadline, timing.state), days=abs(timing.days_left)
    )


def issued_default(year: int, today: date) -> date | None:
    """The date under the organisation's name when none is given: today, except for a
    back-filled year, where today's date would be false; None leaves it blank to fill in."""
    if report_timing(year, today).state is TimingState.BACKFILL:
        return None
    return today


def export_note(year: int, today: date) -> str:
    """What to do with a generated report: publish by the statutory date, or as soon as
    possible once it has passed, and where the signing date comes from."""
    timing = report_timing(year, today)
    template = {
        TimingState.AHEAD: texts.EXPORT_NOTE_AHEAD,
        TimingState.TODAY: texts.EXPORT_NOTE_AHEAD,
        TimingState.LATE: texts.EXPORT_NOTE_LATE,
        TimingState.BACKFILL: texts.EXPORT_NOTE_BACKFILL,
    }[timing.state]
    example = date(year + 1, 1, 20) if timing.state is TimingState.BACKFILL else today
    return template.format(
        year=year, date=_date(timing.deadline, timing.state), example=example.isoformat()
    )
