"""Export then import is the identity, for both formats, from DOCX and from its flattened text."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from exports_helpers import all_values, flatten, valid_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import read_docx, read_text, write_docx
from report.formats import CURRENT, LEGACY
from report.layout import Column, ReportFormat
from report.values import Report

FORMATS = [(LEGACY, 2020), (CURRENT, 2023)]


@pytest.mark.parametrize(("fmt", "year"), FORMATS, ids=["legacy", "current"])
def test_docx_round_trip_gives_back_every_figure_text_and_the_title(
    fmt: ReportFormat, year: int
) -> None:
    report = valid_report(fmt, year, seed=3)
    issued = date(year + 1, 1, 25)
    result = read_docx(write_docx(report, issued=issued))
    assert result.problems == []
    assert result.format_id == fmt.id
    # Printed totals come back as figures too, equal to the computed ones.
    assert result.report.figures == all_values(report)
    assert result.report.texts == report.texts
    assert (result.organisation, result.year) == (report.organisation, year)
    assert (result.report.organisation, result.report.year) == (report.organisation, year)
    assert result.issued == issued
    assert result.signed_by == report.organisation
    assert result.draft is False


@pytest.mark.parametrize(("fmt", "year"), FORMATS, ids=["legacy", "current"])
def test_flattened_text_of_an_export_reads_the_same(fmt: ReportFormat, year: int) -> None:
    report = valid_report(fmt, year, seed=8)
    result = read_text(flatten(write_docx(report, issued=date(year + 1, 1, 9))))
    assert result.problems == []
    assert result.report.figures == all_values(report)
    assert result.report.texts == report.texts
    assert result.issued == date(year + 1, 1, 9)


def _figure(column: Column) -> st.SearchStrategy[Decimal]:
    places = column.unit.decimals
    top = int(column.maximum.scaleb(places))
    low = -top if column.signed else 0
    return st.integers(low, top).map(lambda n: Decimal(n).scaleb(-places))


_LINE = st.text(
    alphabet="政府信息公开工作年度报告我镇全年主动依申请办理答复，。；：“”1234567890",
    min_size=1,
    max_size=60,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_figures_and_texts_survive_the_round_trip(data: st.DataObject) -> None:
    fmt, year = data.draw(st.sampled_from(FORMATS))
    figures = {cell.id: data.draw(_figure(cell.column)) for cell in fmt.entered_cells}
    texts = {
        part.id: "\n".join(data.draw(st.lists(_LINE, min_size=1, max_size=3))) for part in fmt.parts
    }
    report = Report(organisation="某县某镇人民政府", year=year, figures=figures, texts=texts)
    result = read_docx(write_docx(report, issued=date(year + 1, 1, 5)))
    assert {c: result.report.figures[c] for c in figures} == figures
    assert result.report.texts == texts
    assert result.problems == []


def test_the_same_report_always_gives_the_same_small_file() -> None:
    report = valid_report(CURRENT, 2024, seed=1)
    first = write_docx(report, issued=date(2025, 1, 20))
    assert write_docx(report, issued=date(2025, 1, 20)) == first
    assert len(first) < 25_000
    assert write_docx(report, issued=date(2025, 1, 21)) != first


def test_a_report_with_a_rule_error_is_exported_only_as_a_draft() -> None:
    report = valid_report(LEGACY, 2020, seed=2)
    broken = report.with_figures(
        {"applications.new.natural_person": report.figures["applications.new.natural_person"] + 1}
    )
    assert read_docx(write_docx(report)).draft is False
    assert read_docx(write_docx(report, draft=True)).draft is True
    assert read_docx(write_docx(broken)).draft is True


def _header_texts(docx: bytes) -> list[str]:
    document = Document(io.BytesIO(docx))
    section = document.sections[0]
    return [p.text for h in (section.header, section.even_page_header) for p in h.paragraphs]


def test_the_draft_mark_stands_in_the_page_header_of_odd_and_even_pages() -> None:
    report = valid_report(CURRENT, 2023, seed=4)
    assert _header_texts(write_docx(report, draft=True)) == ["征求意见稿", "征求意见稿"]
    assert "征求意见稿" not in "".join(_header_texts(write_docx(report)))


def test_an_incomplete_report_is_a_draft_with_its_missing_figures_left_blank() -> None:
    report = valid_report(CURRENT, 2023, seed=5)
    missing = "disclosure.licensing.decisions"
    incomplete = report.model_copy(
        update={"figures": {k: v for k, v in report.figures.items() if k != missing}}
    )
    result = read_text(flatten(write_docx(incomplete)))
    assert result.draft is False  # the flattened text carries no page header
    assert read_docx(write_docx(incomplete)).draft is True
    # A blank cell reads as 0 (how offices mean it); everything else is unchanged.
    assert result.report.figures[missing] == 0
    others = {k: v for k, v in all_values(incomplete).items() if k != missing}
    assert {k: result.report.figures[k] for k in others} == others


def test_without_a_date_of_issue_the_date_line_is_left_for_the_clerk() -> None:
    report = valid_report(LEGACY, 2019, seed=6)
    text = flatten(write_docx(report))
    assert text.rstrip().endswith("年　月　日")
    result = read_text(text)
    assert result.issued is None
    assert result.signed_by == report.organisation
    assert result.report.texts == report.texts
