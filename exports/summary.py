"""The county office's summary table: every figure added up over the member offices, with
each office's own figure beside it, as XLSX (openpyxl) and as DOCX (python-docx, A4 landscape
in the report's fonts, the header row repeated on every page).

Offices whose figures are not final (not yet generated as a formal report, or with open
errors) are named in a note above the table and marked in the status row, so nobody hands on
a total without knowing what it rests on.

The headings live here rather than in ``exports/texts.py`` so this module stands alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from exports import typography
from exports.package import finish_package, prune
from exports.writer import set_fonts
from report.layout import Cell, ReportFormat
from report.parsing import format_figure
from report.values import Report

TITLE = "{organisation}{year}年度政府信息公开工作年度报告数据汇总表"
HEAD_TABLE = "表格"
HEAD_ITEM = "项目"
HEAD_COLUMN = "栏目"
HEAD_UNIT = "单位"
HEAD_TOTAL = "合计"
HEAD_STATUS = "填报状态"
NOT_FILLED = "未填"
STATUS_FINAL = "已定稿"
STATUS_DRAFT = "未定稿"
STATUS_ERRORS = "未定稿，{count}处错误未改"
COVERAGE = "汇总单位{total}个，其中有数据的{reported}个；未填的数不计入合计。"
PROVISIONAL = "注：以下单位的数据尚未定稿，合计仅供参考：{offices}。"
PROVISIONAL_OFFICE = "{name}（{status}）"
PAGE_NOTE = "（续表，单位{first}至{last}）"
SHEET_TITLE = "汇总"

#: Offices per DOCX table: more go into a further table, the label columns repeated.
OFFICES_PER_TABLE = 8
#: A4 landscape, with the report's side margins.
LANDSCAPE_MARGIN = 20.0
SUMMARY_TITLE_FONT = replace(typography.TITLE, size=16)
LABEL_WIDTHS = (80.0, 12.0)


@dataclass(frozen=True)
class Member:
    """One member office: its short name, its report (None: nothing entered), whether it is
    final, and how many errors its figures still carry."""

    name: str
    report: Report | None
    final: bool = False
    errors: int = 0

    @property
    def status(self) -> str:
        if self.report is None:
            return NOT_FILLED
        if self.final and not self.errors:
            return STATUS_FINAL
        return STATUS_ERRORS.format(count=self.errors) if self.errors else STATUS_DRAFT

    @property
    def provisional(self) -> bool:
        """Entered figures that are not final: they count in the total but may still change."""
        return self.report is not None and self.status != STATUS_FINAL


@dataclass(frozen=True)
class Summary:
    """The parent office, the year, the figures added up over the member offices (``totals``),
    and each member office."""

    organisation: str
    year: int
    totals: Report
    members: Sequence[Member]

    @property
    def format(self) -> ReportFormat:
        return self.totals.format

    def value(self, cell_id: str) -> Decimal | None:
        return self.totals.value(cell_id)

    @property
    def reported(self) -> int:
        return sum(1 for m in self.members if m.report is not None)

    @property
    def title(self) -> str:
        return TITLE.format(organisation=self.organisation, year=self.year)

    def notes(self) -> list[str]:
        """The coverage line, and the offices whose figures are not final (if any)."""
        lines = [COVERAGE.format(total=len(self.members), reported=self.reported)]
        provisional = [
            PROVISIONAL_OFFICE.format(name=m.name, status=m.status)
            for m in self.members
            if m.provisional
        ]
        if provisional:
            lines.append(PROVISIONAL.format(offices="、".join(provisional)))
        return lines


def _cells(fmt: ReportFormat) -> list[Cell]:
    return [cell for table in fmt.tables for cell in table.cells]


def _row_label(cell: Cell) -> str:
    return (cell.row.full_label or cell.block.group_label(cell.column.id)).replace("\n", "")


def _text(value: Decimal | None) -> str:
    return NOT_FILLED if value is None else format_figure(value)


def _number(value: Decimal | None) -> int | float | str:
    """A spreadsheet value: whole numbers as int, amounts as float, a gap as 未填."""
    if value is None:
        return NOT_FILLED
    return int(value) if value == value.to_integral_value() else float(value)


def _values(summary: Summary, cell: Cell) -> list[Decimal | None]:
    """The total, then each office's figure."""
    return [summary.value(cell.id)] + [
        m.report.value(cell.id) if m.report is not None else None for m in summary.members
    ]


def summary_xlsx(summary: Summary) -> bytes:
    """The summary as an Excel workbook: one line per figure (with its unit), totals then
    each office; a status line under the header marks offices that are not final."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([summary.title])
    sheet["A1"].font = Font(bold=True, size=14)
    notes = summary.notes()
    for note in notes:
        sheet.append([note])
    names = [m.name for m in summary.members]
    sheet.append([HEAD_TABLE, HEAD_ITEM, HEAD_COLUMN, HEAD_UNIT, HEAD_TOTAL, *names])
    header_row = sheet.max_row
    sheet.append(["", HEAD_STATUS, "", "", "", *(m.status for m in summary.members)])
    for row in sheet.iter_rows(min_row=header_row, max_row=header_row + 1):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in _cells(summary.format):
        sheet.append(
            [
                cell.table.title,
                _row_label(cell),
                cell.column.name,
                cell.unit.symbol,
                *(_number(v) for v in _values(summary, cell)),
            ]
        )
    for letter, width in (("A", 24), ("B", 40), ("C", 20), ("D", 6), ("E", 10)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"F{header_row + 2}"
    sheet.print_title_rows = f"{header_row}:{header_row + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _chunks(members: Sequence[Member]) -> Iterator[tuple[int, Sequence[Member]]]:
    for start in range(0, max(len(members), 1), OFFICES_PER_TABLE):
        yield start, members[start : start + OFFICES_PER_TABLE]


def _write(paragraph, text: str, font: typography.Font) -> None:  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), font)


def _cell_text(cell, text: str, font: typography.Font, *, left: bool = False) -> None:  # type: ignore[no-untyped-def]
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(typography.TABLE_LINE_SPACING)
    _write(paragraph, text, font)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    """Mark a table row as a header repeated at the top of every page (``w:tblHeader``)."""
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    trpr.append(cant_split)


def summary_docx(summary: Summary) -> bytes:
    """The summary as a Word document: A4 landscape, the report's fonts, one table per eight
    offices with the item, unit, total and each office's figure, the header rows (names and
    status) repeated on every page."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Mm(typography.PAGE_HEIGHT)
    section.page_height = Mm(typography.PAGE_WIDTH)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(LANDSCAPE_MARGIN))
    normal = document.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), typography.TABLE)
    normal.paragraph_format.space_after = Pt(0)
    width = typography.PAGE_HEIGHT - 2 * LANDSCAPE_MARGIN
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    _write(title, summary.title, SUMMARY_TITLE_FONT)
    for note in summary.notes():
        _write(document.add_paragraph(), note, typography.TABLE)
    cells = _cells(summary.format)
    for start, members in _chunks(summary.members):
        if start:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.page_break_before = True
            last = start + len(members)
            _write(paragraph, PAGE_NOTE.format(first=start + 1, last=last), typography.TABLE)
        columns = 3 + len(members)
        table = document.add_table(rows=2, cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        figure_width = (width - sum(LABEL_WIDTHS)) / (columns - 2)
        widths = [*LABEL_WIDTHS, *([figure_width] * (columns - 2))]
        names = [f"{HEAD_ITEM}·{HEAD_COLUMN}", HEAD_UNIT, HEAD_TOTAL]
        names += [m.name for m in members]
        statuses = [HEAD_STATUS, "", ""] + [m.status for m in members]
        for row, texts in zip(table.rows[:2], (names, statuses), strict=True):
            _repeat_header(row)
            for target, text in zip(row.cells, texts, strict=True):
                _cell_text(target, text, typography.TABLE_HEADER)
        current = None
        for cell in cells:
            if cell.table is not current:
                current = cell.table
                caption = table.add_row().cells
                merged = caption[0].merge(caption[-1])
                _cell_text(merged, cell.table.title, typography.TABLE_HEADER, left=True)
            values = _values(summary, cell)
            row_cells = table.add_row().cells
            label = f"{_row_label(cell)}·{cell.column.name}"
            _cell_text(row_cells[0], label, typography.TABLE, left=True)
            _cell_text(row_cells[1], cell.unit.symbol, typography.TABLE)
            shown = [values[0], *values[1 + start : 1 + start + len(members)]]
            for target, value in zip(row_cells[2:], shown, strict=True):
                _cell_text(target, _text(value), typography.TABLE)
        for column, mm in zip(table.columns, widths, strict=True):
            column.width = Mm(mm)
        for row in table.rows:
            if len({id(c._tc) for c in row.cells}) == len(widths):  # not a caption row
                for target, mm in zip(row.cells, widths, strict=True):
                    target.width = Mm(mm)
    prune(document)
    out = io.BytesIO()
    document.save(out)
    return finish_package(out.getvalue())
