"""Groups of rows under one printed heading: （三）不予公开 1–8, （四）无法提供 1–3, （五）, （六）.

Most offices have figures in two or three of table 3's result rows, so "the rest of this group
is 0" saves a tap per row. The groups are read from the rows' label paths (a leaf
``1.属于国家秘密`` sits under ``（三）不予公开``), never listed by hand: the legacy format's
（六）其他处理 has no leaves and so is no group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from report.layout import ReportFormat
from report.rowcodes import RowTarget, row_targets
from report.values import Report


@dataclass(frozen=True)
class RowGroup:
    """Rows printed under one heading, in order."""

    #: The heading as printed (``（三）不予公开``).
    label: str
    #: The heading's code (``三（三）``), as the rows' codes start.
    code: str
    rows: tuple[RowTarget, ...]


@cache
def row_groups(fmt: ReportFormat) -> tuple[RowGroup, ...]:
    """Every group of a format: rows of one block sharing every label but their own."""
    by_heading: dict[tuple[str, str, tuple[str, ...]], list[RowTarget]] = {}
    for target in row_targets(fmt):
        cell = fmt.cell(target.cells[0])
        labels = cell.row.labels
        if len(labels) < 3:  # a heading over leaves: 三、本年度办理结果 › （三）不予公开 › 1.…
            continue
        by_heading.setdefault((cell.table.id, cell.block.id, labels[:-1]), []).append(target)
    groups = []
    for (_, _, heading), targets in by_heading.items():
        code = targets[0].code.rstrip("0123456789")
        groups.append(RowGroup(heading[-1], code, tuple(targets)))
    return tuple(groups)


def group_of(fmt: ReportFormat, key: str) -> RowGroup | None:
    """The group of the row question with this key (``row:<first cell>``), if it has one."""
    return next((g for g in row_groups(fmt) if any(t.key == key for t in g.rows)), None)


def is_answered(report: Report, target: RowTarget) -> bool:
    return all(c in report.figures for c in target.cells)


def rest_of_group(report: Report, key: str) -> tuple[RowTarget, ...]:
    """The rows "余下为0" zeroes from the row with this key: it and the rows after it in its
    group that are not answered yet (rows answered already keep their figures). Empty when
    the row is in no group."""
    group = group_of(report.format, key)
    if group is None:
        return ()
    keys = [t.key for t in group.rows]
    return tuple(t for t in group.rows[keys.index(key) :] if not is_answered(report, t))
