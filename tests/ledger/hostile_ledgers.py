"""Hostile ledger files (台账) for the hostile suite, and odd but legitimate ones, with what the
reader must say of each (a plain module, shared by tests and ``benchmarks/hostile.py``)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import openpyxl

from tests.exports.exports_helpers import nested_tables
from tests.ledger.ledger_builders import (
    APPLICATIONS,
    HEADERS,
    csv_bytes,
    docx_bytes,
    rows_for,
    xlsx,
)

MB = 1024 * 1024
#: Just under the 20 MB a file may have (Telegram's limit for bots, and the reader's).
NEARLY_20_MB = 20 * MB - 4096


def _xlsx_with(members: dict[str, Callable[[zipfile.ZipFile, str], None]]) -> bytes:
    """A real .xlsx (openpyxl's) with some members replaced or added, each written by its
    function in a stream (a big member never sits in memory whole)."""
    good = xlsx(rows_for(HEADERS["plain"]))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info, source.read(info))
        for name, write in members.items():
            write(target, name)
    return out.getvalue()


def _streamed(
    head: bytes, piece: bytes, count: int, tail: bytes
) -> Callable[[zipfile.ZipFile, str], None]:
    def write(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            member.write(head)
            batch = max(1, MB // len(piece))
            for start in range(0, count, batch):
                member.write(piece * min(batch, count - start))
            member.write(tail)

    return write


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def zip_bomb_xlsx() -> bytes:
    """An .xlsx of well under 1 MB whose sheet unpacks to 100 MB."""
    return _xlsx_with(
        {"xl/worksheets/sheet1.xml": _streamed(_SHEET_HEAD, b" " * 1024, 100 * 1024, _SHEET_TAIL)}
    )


def huge_shared_strings() -> bytes:
    """An .xlsx whose shared-string table holds two million strings (34 MB unpacked)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    return _xlsx_with(
        {"xl/sharedStrings.xml": _streamed(head, b"<si><t>x</t></si>", 2_000_000, b"</sst>")}
    )


def millions_of_rows() -> bytes:
    """An .xlsx whose sheet has 1.5 million rows of one number (50 MB unpacked)."""
    row = b'<row><c t="n"><v>1</v></c></row>'
    return _xlsx_with(
        {"xl/worksheets/sheet1.xml": _streamed(_SHEET_HEAD, row, 1_500_000, _SHEET_TAIL)}
    )


def cells_far_apart() -> bytes:
    """An .xlsx of two cells, A1 and XFD1048576: a grid of 17 billion cells if filled in."""
    body = (
        _SHEET_HEAD
        + b'<row r="1"><c r="A1" t="n"><v>1</v></c></row>'
        + b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
        + _SHEET_TAIL
    )
    return _xlsx_with({"xl/worksheets/sheet1.xml": lambda a, n: a.writestr(n, body)})


def dotdot_xlsx() -> bytes:
    """A real .xlsx with one more member named ``../../evil.sh``."""
    return _xlsx_with({"../../evil.sh": lambda a, n: a.writestr(n, b"rm -rf ~\n")})


def csv_one_line() -> bytes:
    """A CSV of nearly 20 MB on one line (no line break at all)."""
    return b"1," * (NEARLY_20_MB // 2)


def csv_with_nul() -> bytes:
    """A ledger CSV with NUL bytes scattered in it."""
    good = csv_bytes(rows_for(HEADERS["plain"]))
    return good[:200] + b"\x00\x00" + good[200:] + b"\x00"


def csv_invalid_encoding() -> bytes:
    """A ledger CSV that is neither UTF-8 nor GB18030 (bytes 0x80 and 0xFF on their own)."""
    return csv_bytes(rows_for(HEADERS["plain"])) + b"\x80\xff\x80\xff\n"


def docx_nested_tables() -> bytes:
    """A Word ledger whose table is nested 80 deep."""
    return nested_tables(80)


def big_ledger(applications: int = 20_000) -> bytes:
    """A legitimate .xlsx ledger of ``applications`` rows (a very busy office's decade),
    written by openpyxl in its streaming mode."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    many = tuple(APPLICATIONS[i % len(APPLICATIONS)] for i in range(applications))
    for row in rows_for(HEADERS["plain"], many):
        sheet.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: kind → (file name, builder, what the refusal says)
REFUSED_LEDGERS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "ledger zip bomb": ("台账.xlsx", zip_bomb_xlsx, "压缩炸弹"),
    "ledger with 2 million shared strings": (
        "台账.xlsx",
        huge_shared_strings,
        "不像是一份依申请公开台账",
    ),
    "ledger with 1.5 million rows": ("台账.xlsx", millions_of_rows, "不像是一份依申请公开台账"),
    "ledger cells A1 and XFD1048576": ("台账.xlsx", cells_far_apart, "不像是一份依申请公开台账"),
    "ledger with ../ member names": ("台账.xlsx", dotdot_xlsx, "压缩包之外"),
    "CSV of 20 MB on one line": ("台账.csv", csv_one_line, "超过 100000 字"),
    "CSV with NUL bytes": ("台账.csv", csv_with_nul, "空字符"),
    "CSV in no known encoding": ("台账.csv", csv_invalid_encoding, "编码"),
    "Word ledger with tables nested 80 deep": ("台账.docx", docx_nested_tables, "表格套表格"),
}
#: Odd but legitimate ledgers: read, in bounds (kind → file name, builder, applications read).
READ_LEDGERS: dict[str, tuple[str, Callable[[], bytes], int]] = {
    "ledger of 5,000 applications": ("台账.xlsx", lambda: big_ledger(5_000), 5_000),
    "CSV in GB18030": (
        "台账.csv",
        lambda: csv_bytes(rows_for(HEADERS["county"]), encoding="gb18030"),
        len(APPLICATIONS),
    ),
    "Word ledger": (
        "台账.docx",
        lambda: docx_bytes(rows_for(HEADERS["bureau"])),
        len(APPLICATIONS),
    ),
}
