"""Stocks that continue from last year, read by both the warnings and the 同上年 button."""

from decimal import Decimal as D

import pytest

from report.carry import same_as_last_year, stocks
from report.formats import CURRENT, LEGACY
from report.rules import check, rules_for
from report.values import Report


def zeros(fmt, year) -> Report:
    return Report(
        organisation="某县某局",
        year=year,
        format_id=fmt.id,
        figures={c.id: D(0) for c in fmt.entered_cells},
    )


def row(prefix: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{c}" for c in columns)


DOCUMENTS = row("disclosure.normative", ("issued", "repealed", "in_force"))
LICENSING = row("disclosure.licensing", ("items_last_year", "items_change", "decisions"))


def test_each_stock_of_a_format_has_its_warning_and_nothing_else_does():
    for fmt, expected in ((CURRENT, 2), (LEGACY, 5)):
        declared = {f"{s.kind}.{s.cell.row.id}" for s in stocks(fmt).values()}
        ruled = {r.key for r in rules_for(fmt) if r.kind in ("in_force", "items")}
        assert declared == ruled
        assert len(declared) == expected


def test_same_as_last_year_continues_the_stock_of_documents_in_force():
    last = zeros(CURRENT, 2023).with_figures(dict(zip(DOCUMENTS, (D(2), D(1), D(10)), strict=True)))
    values = same_as_last_year(CURRENT, last, DOCUMENTS, DOCUMENTS)
    assert values == [2, 1, 11]  # 10 in force, 2 more issued, 1 repealed
    this = zeros(CURRENT, 2024).with_figures(dict(zip(DOCUMENTS, values, strict=True)))
    assert [v for v in check(this, previous=last) if v.kind == "in_force"] == []


def test_same_as_last_year_continues_the_count_of_items_in_the_legacy_format():
    last = zeros(LEGACY, 2019).with_figures(dict(zip(LICENSING, (D(9), D(2), D(5)), strict=True)))
    values = same_as_last_year(LEGACY, last, LICENSING, LICENSING)
    assert values == [11, 2, 5]
    this = zeros(LEGACY, 2020).with_figures(dict(zip(LICENSING, values, strict=True)))
    assert [v for v in check(this, previous=last) if v.kind == "items"] == []
    # A plain copy would have been warned about:
    copied = zeros(LEGACY, 2020).with_figures(dict(zip(LICENSING, (D(9), D(2), D(5)), strict=True)))
    assert [v.key for v in check(copied, previous=last) if v.kind == "items"] == [
        "items.disclosure.licensing"
    ]


@pytest.mark.parametrize(
    ("fmt", "previous", "cells", "expected"),
    [
        # Last year is in the legacy format: 本年新制作数量 is shared, but it has no 本年废止件数
        # and no 现行有效件数.
        (CURRENT, zeros(LEGACY, 2020), DOCUMENTS, [0, None, None]),
        # Last year's report lacks the change: the stock cannot be continued.
        (
            LEGACY,
            Report(
                organisation="某县某局",
                year=2019,
                format_id=LEGACY.id,
                figures={LICENSING[0]: D(9), LICENSING[2]: D(5)},
            ),
            LICENSING,
            [None, None, 5],
        ),
    ],
)
def test_unknown_figures_of_last_year_stay_unknown(fmt, previous, cells, expected):
    assert same_as_last_year(fmt, previous, cells, cells) == expected
