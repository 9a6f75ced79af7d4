"""Stocks that continue from last year's report, and what 同上年 ("as last year") gives for a row.

A stock column (现行有效件数, 上一年项目数量) declares in the format how it follows from last
year's report (``layout.Carry``). The warning rules W2 and W4 and the 同上年 button both read
that one declaration, so copying last year's row never produces a figure the rules warn about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from report.layout import Cell, ReportFormat, RowRole
from report.values import Report

Lookup = Callable[[str], Decimal | None]


@dataclass(frozen=True)
class Stock:
    """A stock cell and the cells it continues from, as full cell ids."""

    cell: Cell
    kind: str
    #: Last year's cells whose sum the stock starts from.
    last: tuple[str, ...]
    #: This year's cells added to it, and those taken away.
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def expected(self, last_year: Lookup, this_year: Lookup) -> Decimal | None:
        """The value the stock should have; None while any figure it needs is unknown."""
        last = [last_year(c) for c in self.last]
        added = [this_year(c) for c in self.added]
        removed = [this_year(c) for c in self.removed]
        if None in (*last, *added, *removed):
            return None
        return _sum(last) + _sum(added) - _sum(removed)


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


@cache
def stocks(fmt: ReportFormat) -> dict[str, Stock]:
    """Every stock cell of a format, by cell id."""
    found: dict[str, Stock] = {}
    for cell in fmt.cells_by_id.values():
        carry = cell.column.carry
        if carry is None:
            continue

        def ids(columns: tuple[str, ...], cell: Cell = cell) -> tuple[str, ...]:
            return tuple(cell.block.cell_id(cell.row, cell.block.column(c)) for c in columns)

        found[cell.id] = Stock(
            cell, carry.kind, ids(carry.last), ids(carry.added), ids(carry.removed)
        )
    return found


def same_as_last_year(
    fmt: ReportFormat,
    previous: Report,
    cells: Sequence[str],
    sources: Sequence[str],
) -> list[Decimal | None]:
    """What 同上年 enters in ``cells``: last year's ``sources`` (the same cells, or for 上年结转
    last year's 结转下年度继续办理), except that a stock continues from last year's figures
    as its rule says, taking this year's flows as copied too. None where last year has no
    figure (or its format no such cell)."""
    known = previous.format.cells_by_id

    def last_year(cell_id: str) -> Decimal | None:
        return previous.value(cell_id) if cell_id in known else None

    copied = {cell: last_year(source) for cell, source in zip(cells, sources, strict=True)}

    def this_year(cell_id: str) -> Decimal | None:
        return copied[cell_id] if cell_id in copied else last_year(cell_id)

    by_id = stocks(fmt)
    return [
        by_id[cell].expected(last_year, this_year) if cell in by_id else copied[cell]
        for cell in cells
    ]


def carried_forward_total(report: Report) -> Decimal | None:
    """The 总计 of 四、结转下年度继续办理: the applications the report hands on to next year."""
    for block in (b for t in report.format.tables for b in t.blocks):
        row = block.row_with(RowRole.CARRIED_FORWARD)
        if row is not None:
            total = next(c for c in block.columns if c.computed)
            return report.value(block.cell_id(row, total))
    return None
