"""Reading one figure from a table cell: ``9个``, ``180000元``, ``12.5万元``, ``１，２００``.

A stand-in with the same signature as ``report.parsing.parse_figure`` until that lands; the
reader only calls :func:`read_cell`.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from exports import texts
from report.formats import UNITS
from report.layout import Column, UnitKind

#: What offices write in a cell that means "none".
EMPTY_MARKS = frozenset({"", "-", "--", "—", "——", "/", "无", "空", "0"})

_UNITS_BY_SYMBOL = {u.symbol: u for u in UNITS} | {"条": UNITS[0], "项": UNITS[0], "次": UNITS[0]}
_FIGURE = re.compile(r"^(?P<sign>[+\-增减]?)(?P<number>\d+(?:\.\d+)?)(?P<unit>万元|元|个|件|条|项|次)?$")


class FigureError(ValueError):
    """A cell's text is not a figure this column can hold; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    text = "".join(text.split())
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def parse_figure(text: str, column: Column) -> Decimal:
    """The value of ``text`` in the column's unit; raises :class:`FigureError`."""
    match = _FIGURE.match(_plain(text))
    if not match:
        raise FigureError(texts.FIGURE_NOT_A_NUMBER)
    try:
        value = Decimal(match["number"])
    except InvalidOperation:
        raise FigureError(texts.FIGURE_NOT_A_NUMBER) from None
    if match["sign"] in ("-", "减"):
        value = -value
    unit = column.unit
    if match["unit"]:
        written = _UNITS_BY_SYMBOL[match["unit"]]
        if written.kind is not unit.kind:
            raise FigureError(texts.FIGURE_WRONG_UNIT.format(found=written.symbol, expected=unit.symbol))
        if unit.kind is UnitKind.MONEY:
            value = value * written.yuan / unit.yuan
    if value < 0 and not column.signed:
        raise FigureError(texts.FIGURE_NEGATIVE)
    if unit.decimals == 0 and value != value.to_integral_value():
        raise FigureError(texts.FIGURE_NOT_WHOLE)
    if unit.decimals and value != round(value, unit.decimals):
        raise FigureError(texts.FIGURE_TOO_MANY_DECIMALS.format(unit=unit.symbol, decimals=unit.decimals))
    if abs(value) > column.maximum:
        raise FigureError(texts.FIGURE_TOO_LARGE.format(maximum=column.maximum))
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """``125000.0`` -> ``125000``, ``12.50`` -> ``12.5`` (never exponent notation)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def read_cell(text: str, column: Column) -> Decimal:
    """A cell as printed in a report: empty (or a dash) counts as 0."""
    if _plain(text) in EMPTY_MARKS:
        return Decimal(0)
    return parse_figure(text, column)


def format_figure(value: Decimal, column: Column) -> str:
    """How a figure is printed in its cell: ``0``, ``12.5``, ``-3``; money not stated in the
    column's label carries its unit (``180000元``), as offices write it."""
    if column.unit.decimals == 0:
        text = str(int(value))
    else:
        text = format(_tidy(value), "f")
    if column.unit.kind is UnitKind.MONEY and column.unit.symbol not in column.label:
        text += column.unit.symbol
    return text
