"""Ledgers as offices write them, built in every file type the bot reads, with the table they
must give (a plain module: conftest is not importable)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import docx
import openpyxl
import xlwt

YEAR = 2024

#: (applicant type, received, answered, outcome), dates as the office typed them.
APPLICATIONS: tuple[tuple[str, Any, Any, str], ...] = (
    ("公民", date(2024, 1, 8), "2024.1.20", "同意公开"),
    ("个人", "2024年2月3日", "2024/02/25", "信息不存在"),
    ("某某建设有限公司", 45356, datetime(2024, 3, 28, 15, 30), "部分公开（涉及个人隐私）"),
    ("律师事务所", "2023.12.15", "20240110", "申请人撤回"),
    ("企业", "2024-12-10", "", "办理中"),
    ("公民", "2023.5.1", "2023.5.20", "予以公开"),
    ("公民", "2025.1.3", None, "未办结"),
    ("科研院所", "2024/11/20", "2025.1.6", "予以公开"),
    ("其他组织", date(2023, 12, 28), "2024年1月15日", "本机关不掌握"),
    ("公益组织", "2024.6.1", 45461, "重复申请"),
)

#: The table 三 the ledger above must give for 2024 (every other entered cell is 0).
EXPECTED: dict[str, int] = {
    "applications.new.natural_person": 2,
    "applications.new.business": 2,
    "applications.new.research": 1,
    "applications.new.public_interest": 1,
    "applications.carried_over.legal_service": 1,
    "applications.carried_over.other_org": 1,
    "applications.granted.natural_person": 1,
    "applications.partly_granted.business": 1,
    "applications.unavailable.not_held.natural_person": 1,
    "applications.unavailable.not_held.other_org": 1,
    "applications.not_processed.duplicate.public_interest": 1,
    "applications.other.misc.legal_service": 1,
    "applications.carried_forward.business": 1,
    "applications.carried_forward.research": 1,
}
#: The same totals by row, as the compact table shows them.
EXPECTED_TOTALS = {
    "applications.new": 6,
    "applications.carried_over": 2,
    "applications.results_total": 6,
    "applications.carried_forward": 2,
}

#: Header wordings of real ledgers: (applicant, received, answered, outcome).
HEADERS: dict[str, tuple[str, str, str, str]] = {
    "plain": ("申请人类型", "收到申请时间", "答复日期", "答复类型"),
    "county": ("申请人性质", "申请日期", "办结日期", "办理结果"),
    "bureau": ("申请人类别", "登记日期", "答复时间", "处理结果"),
    "decorated": ("申请人类型\n（自然人/法人）", "收到申请日期（年月日）", "答复日期", "处理结果"),
}
TITLE = "某某镇人民政府2024年政府信息公开申请办理台账"


def rows_for(
    header: Sequence[str], applications: Sequence[tuple[str, Any, Any, str]] = APPLICATIONS
) -> list[list[Any]]:
    """The header and data rows in the column order offices use: 序号, 申请人, type, content,
    received, answered, outcome, 备注."""
    applicant, received, answered, outcome = header
    out: list[list[Any]] = [
        ["序号", "申请人", applicant, "申请内容", received, answered, outcome, "备注"]
    ]
    for number, (kind, got, done, result) in enumerate(applications, start=1):
        out.append(
            [number, f"申请人{number}", kind, f"申请公开事项{number}", got, done, result, ""]
        )
    return out


def xlsx(rows: Sequence[Sequence[Any]], *, title: str | None = TITLE, blank_rows: int = 1) -> bytes:
    """An .xlsx with a title merged across the table and blank rows above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024年台账"
    width = max(len(r) for r in rows)
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for _ in range(blank_rows):
        sheet.append([])
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, date | datetime):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls(rows: Sequence[Sequence[Any]], *, title: str | None = TITLE) -> bytes:
    """A legacy .xls (BIFF8) with a merged title row and real date cells."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    start = 0
    if title:
        sheet.write_merge(0, 0, 0, len(rows[0]) - 1, title)
        start = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date | datetime):
                sheet.write(start + r, c, value, dated)
            elif value not in ("", None):
                sheet.write(start + r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8", title: bool = True) -> bytes:
    """A CSV as Excel or WPS saves it, dates as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow([TITLE])
        writer.writerow([])
    for row in rows:
        writer.writerow([_as_text(v) for v in row])
    return out.getvalue().encode(encoding)


def docx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """A Word document: a title paragraph, then the ledger as a table."""
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = _as_text(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_over_limit(rows: Sequence[Sequence[Any]], tables: int = 200) -> bytes:
    """The Word ledger above followed by ``tables`` more one-row tables (an office that also
    keeps a registration form per application): more tables than the Word reader takes."""
    document = docx.Document(io.BytesIO(docx_bytes(rows)))
    for number in range(1, tables + 1):
        document.add_table(rows=1, cols=2).cell(0, 0).text = f"登记表{number}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
