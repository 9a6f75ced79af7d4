"""Reading report documents as offices really write them.

Each test builds a DOCX the way some office's Word habits would: table 2 cut into one table per
block, headers left unmerged, labels broken over lines or typed with half-width punctuation,
units in the cells, tracked changes and bookmarks left in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from exports_helpers import (
    all_values,
    docx_from_body,
    p,
    simple_table,
    tbl,
    tc,
    tr,
    valid_report,
)

from exports import DocumentRejected, ProblemKind, read_docx, read_text
from report.formats import APPLICATIONS_NOTE, CURRENT, LEGACY
from report.layout import Block, HeaderGroup, ReportFormat
from report.values import Report

Text = Callable[[str, Decimal], str]


def plain(_cell_id: str, value: Decimal) -> str:
    return f"{value:f}"


def title(report: Report) -> str:
    return p(f"{report.organisation}{report.year}年政府信息公开工作年度报告")


def table2_per_block(report: Report, text: Text = plain) -> str:
    """Table 2 as one table per block, each block's title a paragraph above it."""
    out = [p(report.format.sections[1].heading)]
    for block in report.format.table("disclosure").blocks:
        out.append(p(block.title or ""))
        rows = [[block.corner, *(c.label for c in block.columns)]]
        for row in block.rows:
            cells = [block.cell_id(row, c) for c in block.columns]
            rows.append([row.label, *(text(c, report.value(c)) for c in cells)])
        out.append(simple_table(rows))
    return "".join(out)


def _leaf_labels(items: tuple[str | HeaderGroup, ...], block: Block) -> list[str]:
    return [block.column(i).label if isinstance(i, str) else i.label for i in items]


def table3_unmerged(report: Report, text: Text = plain, rows: slice = slice(None)) -> str:
    """Table 3 with no merged cell at all: every label in its own cell, blanks beside it."""
    block = report.format.table("applications").blocks[0]
    applicants = block.header[0]
    assert isinstance(applicants, HeaderGroup)
    organisations = applicants.children[1]
    assert isinstance(organisations, HeaderGroup)
    header = [
        [APPLICATIONS_NOTE, "", "", applicants.label, "", "", "", "", "", ""],
        ["", "", "", *_leaf_labels(applicants.children, block)[:2], "", "", "", "", "总计"],
        ["", "", "", "", *_leaf_labels(organisations.children, block), ""],
    ]
    body = []
    for row in block.rows:
        labels = [*row.labels, "", ""][:3]
        body.append(
            [
                *labels,
                *(
                    text(block.cell_id(row, c), report.value(block.cell_id(row, c)))
                    for c in block.columns
                ),
            ]
        )
    return simple_table([*header, *body][rows])


def table4_plain(report: Report, text: Text = plain) -> str:
    block = report.format.table("appeals").blocks[0]
    review, litigation = block.header
    assert isinstance(review, HeaderGroup) and isinstance(litigation, HeaderGroup)
    outcome_labels = [block.column(c).label for c in review.children]
    header = [
        [review.label, "", "", "", "", litigation.label, *[""] * 9],
        [*outcome_labels, *(g.label for g in litigation.children for _ in range(5))],
        ["", "", "", "", "", *outcome_labels * 2],
    ]
    figures = [
        text(block.cell_id(block.rows[0], c), report.value(block.cell_id(block.rows[0], c)))
        for c in block.columns
    ]
    return simple_table([*header, figures])


def document(report: Report, *parts: str, closing: bool = True) -> bytes:
    end = [p(report.organisation, right=True), p("2024年1月15日", right=True)] if closing else []
    return docx_from_body("".join([title(report), *parts, *end]))


def office_document(report: Report, text: Text = plain) -> bytes:
    sections = report.format.sections
    return document(
        report,
        narrative_before(report),
        table2_per_block(report, text),
        p(sections[2].heading),
        table3_unmerged(report, text),
        p(sections[3].heading),
        table4_plain(report, text),
        narrative_after(report),
    )


def narrative_before(report: Report) -> str:
    section = report.format.sections[0]
    out = [p(section.heading)]
    for part in section.parts:
        if part.title:
            out.append(p(part.title))
        out.extend(p(line) for line in report.texts[part.id].split("\n"))
    return "".join(out)


def narrative_after(report: Report) -> str:
    out = []
    for section in report.format.sections[4:]:
        out.append(p(section.heading))
        for part in section.parts:
            out.extend(p(line) for line in report.texts[part.id].split("\n"))
    return "".join(out)


@pytest.mark.parametrize(
    ("fmt", "year"), [(LEGACY, 2020), (CURRENT, 2023)], ids=["legacy", "current"]
)
def test_table2_in_separate_tables_and_unmerged_headers_read_completely(
    fmt: ReportFormat, year: int
) -> None:
    report = valid_report(fmt, year, seed=21)
    result = read_docx(office_document(report))
    assert result.problems == []
    assert result.format_id == fmt.id
    assert result.report.figures == all_values(report)
    assert result.report.texts == report.texts
    assert result.issued == date(2024, 1, 15)


def test_numbers_with_units_full_width_digits_and_empty_cells() -> None:
    report = valid_report(LEGACY, 2020, seed=22).with_figures(
        {
            "disclosure.procurement.items": Decimal(9),
            "disclosure.procurement.amount": Decimal(125000),
            "disclosure.rules.issued": Decimal(12),
            "disclosure.licensing.items_change": Decimal(-3),
            "applications.new.business": Decimal(0),
        }
    )

    def written(cell_id: str, value: Decimal) -> str:
        return {
            "disclosure.procurement.items": "9个",
            "disclosure.procurement.amount": "12.5万元",
            "disclosure.rules.issued": "１２件",
            "disclosure.licensing.items_change": "-3",
            "applications.new.business": "",
        }.get(cell_id, f"{value:f}")

    result = read_docx(office_document(report, written))
    assert result.problems == []
    assert result.report.figures == all_values(report)


def test_amounts_in_yuan_convert_to_the_current_formats_ten_thousand_yuan() -> None:
    report = valid_report(CURRENT, 2023, seed=23).with_figures(
        {"disclosure.fees.amount": Decimal(18)}
    )

    def written(cell_id: str, value: Decimal) -> str:
        return "180000元" if cell_id == "disclosure.fees.amount" else f"{value:f}"

    result = read_docx(office_document(report, written))
    assert result.report.figures["disclosure.fees.amount"] == Decimal(18)


def test_labels_split_over_lines_and_typed_with_half_width_punctuation() -> None:
    report = valid_report(CURRENT, 2022, seed=24)

    replacements = {
        "（一）予以公开": "(一)予以公开",
        "3.危及“三安全一稳定”": '3．危及"三安全一稳定"',
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开</w:t></w:r></w:p><w:p><w:r><w:t>(区分处理的,只计这一情形,不计其他情形)",
        "本年新收政府信息公开申请数量": "本年新收政府信息</w:t></w:r><w:r><w:br/><w:t>公开申请数量",
    }

    def odd_labels(xml: str) -> str:
        for label, typed in replacements.items():
            assert label in xml
            xml = xml.replace(label, typed)
        return xml

    sections = CURRENT.sections
    data = document(
        report,
        narrative_before(report),
        table2_per_block(report),
        p(sections[2].heading),
        odd_labels(table3_unmerged(report)),
        p(sections[3].heading),
        table4_plain(report),
        narrative_after(report),
    )
    result = read_docx(data)
    assert result.problems == []
    assert result.report.figures == all_values(report)


def test_a_table_split_over_two_pages_is_read_as_one() -> None:
    report = valid_report(LEGACY, 2019, seed=25)
    sections = LEGACY.sections
    data = document(
        report,
        narrative_before(report),
        table2_per_block(report),
        p(sections[2].heading),
        table3_unmerged(report, rows=slice(0, 12)),
        p(""),
        table3_unmerged(report, rows=slice(12, None)),
        p(sections[3].heading),
        table4_plain(report),
        narrative_after(report),
    )
    result = read_docx(data)
    assert result.problems == []
    assert result.report.figures == all_values(report)


def test_tracked_changes_and_bookmarks_read_as_the_document_now_shows() -> None:
    report = valid_report(CURRENT, 2023, seed=26).with_figures(
        {"disclosure.rules.issued": Decimal(8)}
    )
    revised = (
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>7</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>8</w:t></w:r></w:ins><w:bookmarkEnd w:id="0"/>'
    )
    block = CURRENT.table("disclosure").blocks[0]
    rows = [tr(*(tc(t) for t in [block.corner, *(c.label for c in block.columns)]))]
    for row in block.rows:
        cells = [tc(row.label)]
        for column in block.columns:
            cell_id = block.cell_id(row, column)
            cells.append(
                tc(f"<w:p>{revised}</w:p>", raw=True)
                if cell_id == "disclosure.rules.issued"
                else tc(f"{report.value(cell_id):f}")
            )
        rows.append(tr(*cells))
    deleted_row = (
        '<w:tr><w:trPr><w:del w:id="3" w:author="a"/></w:trPr>'
        + tc("规章")
        + tc("99")
        + tc("99")
        + tc("99")
        + "</w:tr>"
    )
    first_block = p(block.title or "") + tbl(rows[0], deleted_row, *rows[1:])
    rest = table2_per_block(report).split("</w:tbl>", 1)[1]
    sections = CURRENT.sections
    data = document(
        report,
        narrative_before(report),
        p(sections[1].heading),
        first_block,
        rest,
        p(sections[2].heading),
        table3_unmerged(report),
        p(sections[3].heading),
        table4_plain(report),
        narrative_after(report),
    )
    result = read_docx(data)
    assert result.problems == []
    assert result.report.figures == all_values(report)


def test_columns_printed_in_another_order_are_read_by_their_headers() -> None:
    report = valid_report(CURRENT, 2023, seed=27)
    block = CURRENT.table("disclosure").blocks[0]
    swapped = [block.columns[2], block.columns[0], block.columns[1]]
    rows = [[block.corner, *(c.label for c in swapped)]]
    for row in block.rows:
        rows.append([row.label, *(f"{report.value(block.cell_id(row, c)):f}" for c in swapped)])
    rest = table2_per_block(report).split("</w:tbl>", 1)[1]
    sections = CURRENT.sections
    data = document(
        report,
        narrative_before(report),
        p(sections[1].heading),
        p(block.title or ""),
        simple_table(rows),
        rest,
        p(sections[2].heading),
        table3_unmerged(report),
        p(sections[3].heading),
        table4_plain(report),
        narrative_after(report),
    )
    result = read_docx(data)
    assert result.problems == []
    assert result.report.figures == all_values(report)


def test_the_format_is_recognised_from_the_column_headers_not_the_year() -> None:
    report = valid_report(CURRENT, 2023, seed=28)
    mislabelled = report.model_copy(update={"year": 2020, "format_id": CURRENT.id})
    result = read_docx(office_document(mislabelled))
    assert result.format_id == CURRENT.id
    assert result.report.figures == all_values(report)
    assert [p.kind for p in result.problems] == [ProblemKind.DOCUMENT]
    assert "2020" in result.problems[0].message


def test_a_title_over_two_lines_and_a_part_heading_run_into_its_text() -> None:
    report = valid_report(LEGACY, 2020, seed=29, organisation="某某县人民政府办公室")
    section = LEGACY.sections[0]
    first = section.parts[1]
    body = [p("某某县人民政府办公室"), p("2020年度政府信息公开工作年度报告"), p(section.heading)]
    body += [p(line) for line in report.texts[section.parts[0].id].split("\n")]
    body.append(p(f"{first.title}。{report.texts[first.id]}"))
    for part in section.parts[2:]:
        body += [p(part.title or "")] + [p(line) for line in report.texts[part.id].split("\n")]
    sections = LEGACY.sections
    data = docx_from_body(
        "".join(
            [
                *body,
                table2_per_block(report),
                p(sections[2].heading),
                table3_unmerged(report),
                p(sections[3].heading),
                table4_plain(report),
                narrative_after(report),
                p("某某县人民政府办公室"),
                p("2021年1月20日"),
            ]
        )
    )
    result = read_docx(data)
    assert result.problems == []
    assert (result.organisation, result.year) == ("某某县人民政府办公室", 2020)
    assert result.report.texts[first.id] == report.texts[first.id]
    assert result.report.texts == report.texts


def test_headings_worded_differently_are_found_by_their_number() -> None:
    report = valid_report(CURRENT, 2023, seed=30)
    result = read_text(
        "某镇人民政府2023年政府信息公开工作年度报告\n" + "\n".join(_flat_sections(report))
    )
    assert result.report.texts == report.texts
    # Only the tables are missing (this text has none), so the format is taken from the year.
    assert {p.kind for p in result.problems} == {ProblemKind.FIGURE, ProblemKind.DOCUMENT}
    assert result.format_id == CURRENT.id


def _flat_sections(report: Report) -> list[str]:
    lines = []
    for section in report.format.sections:
        if section.number == 5:
            lines.append("五、存在的问题和改进措施")
        elif section.table is None:
            lines.append(section.heading)
        for part in section.parts:
            if part.title:
                lines.append(part.title)
            lines.extend(report.texts[part.id].split("\n"))
    return lines


def test_missing_tables_rows_and_title_are_each_reported() -> None:
    report = valid_report(CURRENT, 2023, seed=31)
    block = CURRENT.table("disclosure").blocks[2]
    without_row = table2_per_block(report).replace(
        "".join(
            tc(t)
            for t in [
                block.rows[1].label,
                f"{report.value(block.cell_id(block.rows[1], block.columns[0])):f}",
            ]
        ),
        "",
    )
    sections = CURRENT.sections
    data = docx_from_body(
        "".join(
            [
                narrative_before(report),
                without_row,
                p(sections[2].heading),
                table3_unmerged(report),
                narrative_after(report),
            ]
        )
    )
    result = read_docx(data)
    by_where = {(p.where, p.kind) for p in result.problems}
    assert ("标题", ProblemKind.DOCUMENT) in by_where
    messages = " ".join(p.message for p in result.problems)
    assert "未找到表四" in messages
    assert f"未找到“{block.rows[1].label}”这一行" in messages
    assert result.report.organisation == "（未识别的机关）"
    assert not result.figures_complete
    assert result.report.figures["applications.new.total"] == report.value("applications.new.total")


def test_a_document_that_is_not_a_report_is_refused() -> None:
    with pytest.raises(DocumentRejected) as refused:
        read_docx(docx_from_body(p("关于召开2024年春季运动会的通知") + p("各科室：定于4月举行。")))
    assert "不像是一份政府信息公开工作年度报告" in refused.value.message


def test_a_row_the_format_does_not_have_is_reported_and_not_guessed() -> None:
    report = valid_report(CURRENT, 2023, seed=32)
    extra = "".join(tc(t) for t in ("合计", "5", "6", "7"))
    last_row_end = table2_per_block(report).index("</w:tbl>")
    table2 = table2_per_block(report)
    table2 = table2[:last_row_end] + tr(extra) + table2[last_row_end:]
    sections = CURRENT.sections
    data = document(
        report,
        narrative_before(report),
        table2,
        p(sections[2].heading),
        table3_unmerged(report),
        p(sections[3].heading),
        table4_plain(report),
        narrative_after(report),
    )
    result = read_docx(data)
    assert [(p.where, p.message) for p in result.problems] == [
        ("表二（第1个表格） 第4行", "“合计”不是本表的栏目，这一行的数字未读取。")
    ]
    assert result.report.figures == all_values(report)


def test_a_title_without_the_organisation_still_gives_the_year() -> None:
    report = valid_report(LEGACY, 2019, seed=33)
    text = "2019年政府信息公开工作年度报告\n一、总体情况\n" + report.texts["overview.summary"]
    result = read_text(text + "\n某某局\n2020年1月10日\n")
    assert (result.organisation, result.year) == (None, 2019)
    assert result.report.organisation == "某某局" and result.issued == date(2020, 1, 10)
    assert "标题" in {p.where for p in result.problems}
