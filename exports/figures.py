"""One figure in a table cell: read as offices print it, written as the format prints it."""

from __future__ import annotations

from decimal import Decimal

from report.layout import Column, UnitKind
from report.parsing import FigureError, canonical, parse_figure

__all__ = ["FigureError", "format_figure", "read_cell"]


def read_cell(text: str, column: Column) -> Decimal:
    """A cell as printed in a report (``9个``, ``180000元``, ``12.5万元``); empty counts as 0.

    Raises ``FigureError`` (with a Chinese ``message``) for anything else.
    """
    if not "".join(text.split()):
        return Decimal(0)
    return parse_figure(text, column)


def format_figure(value: Decimal, column: Column) -> str:
    """How a figure is printed in its cell: ``0``, ``12.5``, ``-3``; money whose unit the
    column's label does not state carries it (``180000元``), as offices write it."""
    text = f"{canonical(value):f}"
    if column.unit.kind is UnitKind.MONEY and column.unit.symbol not in column.label:
        text += column.unit.symbol
    return text
