"""Ledgers in every file type and header wording give the table they must."""

from __future__ import annotations

import io
import zipfile

import pytest
from ledger_builders import (
    EXPECTED,
    HEADERS,
    YEAR,
    csv_bytes,
    docx_bytes,
    rows_for,
    xls,
    xlsx,
)

from exports.ledger_file import read_ledger_file
from exports.result import DocumentRejected
from report.formats import CURRENT
from report.ledger import LedgerError, count_ledger, read_ledger, table_cells
from report.ledger_wording import Role


def counted(data: bytes, name: str) -> dict[str, int]:
    counting = count_ledger(read_ledger(read_ledger_file(data, name)), YEAR, CURRENT)
    assert counting.complete, counting.questions
    return counting.figures


def expected_figures() -> dict[str, int]:
    return {cell: EXPECTED.get(cell, 0) for cell in table_cells(CURRENT)}


@pytest.mark.parametrize("wording", sorted(HEADERS))
def test_xlsx_with_merged_title_and_each_header_wording(wording: str) -> None:
    data = xlsx(rows_for(HEADERS[wording]), blank_rows=2)
    assert counted(data, "台账.xlsx") == expected_figures()


def test_the_columns_found_are_named_by_their_header_and_letter() -> None:
    ledger = read_ledger(read_ledger_file(xlsx(rows_for(HEADERS["county"])), "a.xlsx"))
    found = {c.role: (c.letter, c.header) for c in ledger.columns}
    assert found == {
        Role.APPLICANT: ("C", "申请人性质"),
        Role.RECEIVED: ("E", "申请日期"),
        Role.ANSWERED: ("F", "办结日期"),
        Role.OUTCOME: ("G", "办理结果"),
    }


def test_xls_written_by_an_old_excel() -> None:
    assert counted(xls(rows_for(HEADERS["plain"])), "台账.xls") == expected_figures()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_and_gb18030(encoding: str) -> None:
    data = csv_bytes(rows_for(HEADERS["bureau"]), encoding)
    assert counted(data, "台账.csv") == expected_figures()


def test_a_table_inside_a_docx() -> None:
    assert counted(docx_bytes(rows_for(HEADERS["plain"])), "台账.docx") == expected_figures()


def test_a_two_row_header_with_a_group_cell_above() -> None:
    rows = rows_for(HEADERS["plain"])
    top = ["序号", "申请人", "", "申请内容", "收到申请时间", "办理情况", "", "备注"]
    below = ["", "姓名", "类型", "", "", "答复日期", "答复类型", ""]
    data = csv_bytes([top, below, *rows[1:]], title=True)
    assert counted(data, "台账.csv") == expected_figures()


def test_sheets_per_year_are_read_together() -> None:
    import openpyxl

    rows = rows_for(HEADERS["plain"])
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2023年"
    second = book.create_sheet("2024年")
    earlier = [r for r in rows[1:] if str(r[4]).startswith("2023") or "2023," in repr(r[4])]
    for sheet, data in ((first, earlier), (second, [r for r in rows[1:] if r not in earlier])):
        sheet.append(rows[0])
        for row in data:
            sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    assert earlier, "the fixture must put some applications in the 2023 sheet"
    assert counted(out.getvalue(), "台账.xlsx") == expected_figures()


# --- files that are refused -----------------------------------------------------------------


def test_a_file_over_20_mb_is_refused() -> None:
    with pytest.raises(DocumentRejected, match="20 MB"):
        read_ledger_file(b"a,b\n" * (6 * 1024 * 1024), "big.csv")


def test_a_zip_bomb_dressed_as_xlsx_is_refused_before_calamine_opens_it() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (200 * 1024 * 1024) + b"/>")
    assert len(out.getvalue()) < 1024 * 1024
    with pytest.raises(DocumentRejected, match="压缩炸弹"):
        read_ledger_file(out.getvalue(), "bomb.xlsx")


def test_xml_entities_in_an_xlsx_are_refused() -> None:
    good = xlsx(rows_for(HEADERS["plain"]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert data.startswith(b"<worksheet")
                data = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data
            target.writestr(info, data)
    with pytest.raises(DocumentRejected, match="实体声明"):
        read_ledger_file(out.getvalue(), "evil.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.xlsx", "空的"),
        (b"%PDF-1.7 ...", "a.pdf", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "a.png", "无法读取"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "无法读取"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "a.doc", ".doc"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "a.xls", "无法读取"),
        (b"\xff\xfe\x00\x00\x81\x30\x81", "a.csv", "无法读取"),
    ],
)
def test_files_that_are_no_ledger_get_a_chinese_message(data: bytes, name: str, words: str) -> None:
    with pytest.raises(DocumentRejected) as refused:
        read_ledger_file(data, name)
    assert words in refused.value.message


# --- ledgers that cannot be counted -----------------------------------------------------------


def refused(rows: list[list[object]]) -> str:
    with pytest.raises(LedgerError) as error:
        read_ledger(read_ledger_file(csv_bytes(rows), "a.csv"))
    return error.value.message


def test_no_header_row() -> None:
    assert "没有在台账中找到表头行" in refused([["甲", "乙"], ["1", "2"]])


def test_no_outcome_column_names_what_is_missing_and_what_was_found() -> None:
    rows = [r[:6] for r in rows_for(HEADERS["plain"])]
    message = refused(rows)
    assert "没有找到“答复类型（办理结果）”一栏" in message
    assert "“申请人类型”" in message and "“收到申请时间”" in message


def test_no_applicant_type_column() -> None:
    rows = [[*r[:2], *r[3:]] for r in rows_for(HEADERS["plain"])]
    assert "没有找到“申请人类型”一栏" in refused(rows)


@pytest.mark.parametrize(
    ("received", "answered", "words"),
    [
        ("2024.2.30", "2024.3.5", "第2行“收到申请日期”为“2024.2.30”，日历上没有这一天"),
        ("2024.3.5", "三月五日", "第2行“答复日期”为“三月五日”，不是日期"),
        ("2024.3.5", "2024.3.1", "第2行答复日期（2024年3月1日）早于收到申请日期（2024年3月5日）"),
        ("1024.3.5", "2024.3.6", "年份1024不像是"),
    ],
)
def test_impossible_dates_are_refused_with_the_row(
    received: str, answered: str, words: str
) -> None:
    rows = rows_for(HEADERS["plain"], [("公民", received, answered, "予以公开")])
    message = refused(rows)
    # csv_bytes puts a title and a blank row above the header: the header is row 3.
    assert words.replace("第2行", "第4行") in message
    assert "未作任何统计" in message
