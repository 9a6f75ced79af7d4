"""The county office's summary table: every figure added up over the member offices, with
each office's own figure beside it, as XLSX (openpyxl) and as DOCX (python-docx).

The headings live here rather than in ``exports/texts.py`` so this module stands alone.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from report.layout import Cell, ReportFormat
from report.parsing import format_figure
from report.values import Report

TITLE = "{organisation}{year}年度政府信息公开工作年度报告数据汇总表"
HEAD_TABLE = "表格"
HEAD_ITEM = "项目"
HEAD_COLUMN = "栏目"
HEAD_TOTAL = "合计"
NOT_FILLED = "未填"
COVERAGE = "汇总单位{total}个，其中有数据的{reported}个；未填的数不计入合计。"
SHEET_TITLE = "汇总"


@dataclass(frozen=True)
class Summary:
    """The parent office, the year, the figures added up over the member offices (``totals``),
    and each member office's report (None: nothing entered)."""

    organisation: str
    year: int
    totals: Report
    members: Sequence[tuple[str, Report | None]]

    @property
    def format(self) -> ReportFormat:
        return self.totals.format

    def value(self, cell_id: str) -> Decimal | None:
        return self.totals.value(cell_id)

    @property
    def reported(self) -> int:
        return sum(1 for _, r in self.members if r is not None and r.figures)


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


def summary_xlsx(summary: Summary) -> bytes:
    """The summary as an Excel workbook: one line per figure, totals then each office."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([TITLE.format(organisation=summary.organisation, year=summary.year)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([COVERAGE.format(total=len(summary.members), reported=summary.reported)])
    header = [HEAD_TABLE, HEAD_ITEM, HEAD_COLUMN, HEAD_TOTAL, *(n for n, _ in summary.members)]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in _cells(summary.format):
        values = [summary.value(cell.id)] + [
            r.value(cell.id) if r is not None else None for _, r in summary.members
        ]
        sheet.append(
            [
                cell.table.title,
                _row_label(cell),
                cell.column.name,
                *(_number(v) for v in values),
            ]
        )
    for letter, width in (("A", 24), ("B", 40), ("C", 20), ("D", 10)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "E4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_docx(summary: Summary) -> bytes:
    """The summary as a Word table (landscape): table, item, column and the total."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(TITLE.format(organisation=summary.organisation, year=summary.year), 1)
    document.add_paragraph(COVERAGE.format(total=len(summary.members), reported=summary.reported))
    cells = _cells(summary.format)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for target, text in zip(
        table.rows[0].cells, (HEAD_TABLE, HEAD_ITEM, HEAD_COLUMN, HEAD_TOTAL), strict=True
    ):
        target.text = text
        target.paragraphs[0].runs[0].bold = True
    for cell in cells:
        row = table.add_row().cells
        row[0].text = cell.table.title
        row[1].text = _row_label(cell)
        row[2].text = cell.column.name
        row[3].text = _text(summary.value(cell.id))
    for paragraph in (p for row in table.rows for c in row.cells for p in c.paragraphs):
        for run in paragraph.runs:
            run.font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
