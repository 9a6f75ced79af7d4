"""Reading a ledger file (.xlsx, .xls, .ods, .csv, or the tables of a .docx) into sheets of
plain cell values for ``report.ledger``.

Spreadsheets are read by python-calamine; a DOCX by the same hostile-file-proof reader as report
uploads (``exports.docx_source``); CSV by the csv module, in UTF-8 or GB18030. The limits are
those of report uploads: 20 MB per file; a zip container is decompressed in chunks, member by
member, and refused as soon as it grows beyond a fixed size, whatever its directory claims,
before calamine sees it; XML with a DTD is refused. A merged cell's value is copied into every
cell it covers, so a date merged over two applications belongs to both. Member names that point
outside the package (``../``) are refused; so are more rows (or shared strings) than a ledger
has, counted while the members are decompressed, before calamine builds them in memory, and a
CSV line longer than any ledger row. Untrusted files are read through ``exports.sandbox``
(``read_ledger_untrusted``), which runs this module in a limited child process.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

from python_calamine import CalamineError, CalamineWorkbook

from exports import magic, texts
from exports.docx_source import (
    MAX_FILE_BYTES,
    MAX_MEMBERS,
    MB,
    docx_source,
    unsafe_member_name,
)
from exports.result import DocumentOverLimit, DocumentRejected
from exports.text_source import decode_text
from report.ledger import CellValue, Ledger, LedgerError, Sheet, find_header, read_ledger

#: Everything a zip container may decompress to, all members together.
MAX_UNZIPPED_BYTES = 80 * MB
MAX_LEDGER_ROWS = 50_000
MAX_LEDGER_COLUMNS = 200
MAX_SHEETS = 50
#: Shared strings (distinct cell texts) of a workbook: a full ledger has far fewer.
MAX_SHARED_STRINGS = 1_000_000
#: One line of a CSV: 200 columns of 500 characters.
MAX_CSV_LINE_CHARS = 100_000
_CHUNK = 64 * 1024
#: How a row and a shared string begin in a worksheet, ``sharedStrings.xml`` and ODS content.
_ROW_TAGS = (b"<row>", b"<row ", b":row>", b":row ", b"<table:table-row>", b"<table:table-row ")
_STRING_TAGS = (b"<si>", b"<si ", b":si>", b":si ")


def read_ledger_file(data: bytes, name: str = "") -> tuple[Sheet, ...]:
    """The sheets of a ledger file; raises ``DocumentRejected`` (Chinese) for a file that is
    not a ledger format, too large or hostile."""
    if not data:
        raise DocumentRejected(texts.REJECT_EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.LEDGER_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    suffix = name.lower().rpartition(".")[2] if "." in name else ""
    if data.startswith(b"PK"):
        return _zipped(data)
    if data.startswith(magic.OLE):
        if suffix in ("doc", "wps"):
            raise DocumentRejected(texts.LEDGER_OLD_DOC)
        return _spreadsheet(data)
    if data.startswith(magic.PDF):
        raise DocumentRejected(texts.LEDGER_PDF)
    if data.startswith(magic.BINARY):
        raise DocumentRejected(texts.LEDGER_NOT_A_LEDGER)
    return (_csv(data, name),)


class NoLedgerTables(DocumentRejected):
    """A Word document none of whose tables has a ledger header (it may well be a report)."""


def read_ledger_bytes(data: bytes, name: str = "") -> Ledger:
    """A ledger file read and understood: ``read_ledger`` over ``read_ledger_file``. Raises
    ``DocumentRejected`` (not a ledger file, hostile; ``NoLedgerTables`` for a Word document,
    or a file named .docx, without a ledger table) or ``report.ledger.LedgerError`` (no header, a missing column, a
    bad row); each carries a Chinese ``message``."""
    sheets = read_ledger_file(data, name)
    word = _is_word(data) or name.lower().endswith(".docx")
    if word and not any(_has_ledger_header(sheet) for sheet in sheets):
        raise NoLedgerTables(texts.LEDGER_NO_TABLE_IN_DOCX)
    return read_ledger(sheets)


def _is_word(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


def _has_ledger_header(sheet: Sheet) -> bool:
    try:
        find_header(sheet.rows)
    except LedgerError:
        return False
    return True


def _zipped(data: bytes) -> tuple[Sheet, ...]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise DocumentRejected(texts.LEDGER_NOT_A_LEDGER) from None
    with archive:
        names = set(archive.namelist())
        if len(archive.infolist()) > MAX_MEMBERS:
            raise DocumentRejected(texts.REJECT_TOO_MANY_MEMBERS.format(limit=MAX_MEMBERS))
        if "word/document.xml" in names:
            # The Word reader refuses unsafe names itself, in the words it gives a report.
            return _docx(data)
        if any(unsafe_member_name(n) for n in names):
            raise DocumentRejected(texts.LEDGER_UNSAFE_NAMES)
        if not ({"xl/workbook.xml", "content.xml"} & names):
            raise DocumentRejected(texts.LEDGER_NOT_A_LEDGER)
        _check_members(archive)
    return _spreadsheet(data)


def _check_members(archive: zipfile.ZipFile) -> None:
    """Decompress every member in chunks, refusing a bomb, XML with a DTD, or more rows or
    shared strings than a ledger has, before calamine (which trusts the zip directory's sizes
    and builds every sheet whole in memory) opens it."""
    total = 0
    bomb = DocumentRejected(texts.REJECT_BOMB.format(limit=MAX_UNZIPPED_BYTES // MB))
    too_many = DocumentRejected(
        texts.LEDGER_TOO_MANY_ROWS.format(rows=MAX_LEDGER_ROWS, columns=MAX_LEDGER_COLUMNS)
    )
    for info in archive.infolist():
        if info.file_size > MAX_UNZIPPED_BYTES:
            raise bomb
        head = b""
        tags, limit = _counted_tags(info.filename)
        found, tail = 0, b""
        sheet, overlap = info.filename.startswith("xl/worksheets/"), b""
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    if not head:
                        head = chunk[:4096].lower()
                    total += len(chunk)
                    if total > MAX_UNZIPPED_BYTES:
                        raise bomb
                    if tags:
                        # A tag cut in two by the chunk boundary is found in ``tail + chunk``;
                        # one wholly in ``tail`` was counted with the chunk before.
                        window = tail + chunk
                        found += sum(window.count(t) - tail.count(t) for t in tags)
                        tail = window[-(_LONGEST_TAG - 1) :]
                        if found > limit:
                            raise too_many
                    if sheet:
                        if _cell_beyond_ledger(overlap + chunk):
                            raise too_many
                        overlap = (overlap + chunk)[-_REF_OVERLAP:]
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ):  # corrupt, encrypted or exotic compression
            raise DocumentRejected(texts.LEDGER_CORRUPT) from None
        if b"<!doctype" in head or b"<!entity" in head:
            raise DocumentRejected(texts.LEDGER_DTD)


_LONGEST_TAG = max(len(t) for t in _ROW_TAGS + _STRING_TAGS)
#: A cell with a value (``<c r="XFD1048576" …><v>``, or an inline string) and its reference.
_VALUED_CELL = re.compile(
    rb"<(?:\w+:)?c\s[^>]{0,200}?\br=[\"']([A-Z]{1,3})(\d{1,7})[\"'][^>]{0,200}?(?<!/)>"
    rb"\s{0,20}<(?:\w+:)?(?:v|is)\b"
)
#: Bytes kept from one chunk to the next, so that a cell cut in two is seen whole.
_REF_OVERLAP = 512


def _cell_beyond_ledger(xml: bytes) -> bool:
    """Whether a worksheet's XML has a value in a cell beyond the rows and columns a ledger
    may have: calamine would fill in a grid up to it (two cells at A1 and XFD1048576 would be
    17 billion), so it is refused before."""
    for match in _VALUED_CELL.finditer(xml):
        letters, row = match.groups()
        column = 0
        for letter in letters:
            column = column * 26 + letter - ord("A") + 1
        if int(row) > MAX_LEDGER_ROWS or column > MAX_LEDGER_COLUMNS:
            return True
    return False


def _counted_tags(member: str) -> tuple[tuple[bytes, ...], int]:
    """The tags to count in a member (rows of a sheet, shared strings) and how many may be."""
    if member.startswith("xl/worksheets/") or member == "content.xml":
        return _ROW_TAGS, MAX_LEDGER_ROWS
    if member == "xl/sharedStrings.xml":
        return _STRING_TAGS, MAX_SHARED_STRINGS
    return (), 0


def _spreadsheet(data: bytes) -> tuple[Sheet, ...]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if len(names) > MAX_SHEETS:
            raise DocumentRejected(texts.LEDGER_TOO_MANY_SHEETS.format(limit=MAX_SHEETS))
        sheets = []
        for sheet_name in names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            if sheet.total_height > MAX_LEDGER_ROWS or sheet.total_width > MAX_LEDGER_COLUMNS:
                raise DocumentRejected(
                    texts.LEDGER_TOO_MANY_ROWS.format(
                        rows=MAX_LEDGER_ROWS, columns=MAX_LEDGER_COLUMNS
                    )
                )
            rows = sheet.to_python(skip_empty_area=False)
            merged = _merged_ranges(sheet)
            sheets.append(Sheet(sheet_name, _fill_merged(rows, merged)))
    except DocumentRejected:
        raise
    except (CalamineError, ValueError, OSError, TypeError):
        raise DocumentRejected(texts.LEDGER_UNREADABLE) from None
    return tuple(sheets)


def _merged_ranges(sheet: object) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    try:
        ranges = sheet.merged_cell_ranges  # type: ignore[attr-defined]
    except (AttributeError, CalamineError, ValueError):
        return []
    return list(ranges or [])


def _fill_merged(
    rows: Sequence[Sequence[CellValue]],
    merged: Iterable[tuple[tuple[int, int], tuple[int, int]]],
) -> tuple[tuple[CellValue, ...], ...]:
    """Rows with each merged range's top-left value copied into the cells it covers."""
    grid = [list(r) for r in rows]
    for (top, left), (bottom, right) in merged:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            for c in range(left, right + 1):
                while len(grid[r]) <= c:
                    grid[r].append(None)
                grid[r][c] = value
    return tuple(tuple(r) for r in grid)


def _docx(data: bytes) -> tuple[Sheet, ...]:
    try:
        source = docx_source(data)
    except DocumentOverLimit as refusal:
        what = texts.LEDGER_DOCX_LIMITS[refusal.what].format(limit=refusal.limit)
        raise DocumentRejected(texts.LEDGER_DOCX_OVER_LIMIT.format(what=what)) from None
    return tuple(
        Sheet(texts.LEDGER_DOCX_TABLE.format(number=n), tuple(tuple(r) for r in table.rows))
        for n, table in enumerate(source.tables, start=1)
    )


def _csv(data: bytes, name: str) -> Sheet:
    if b"\x00" in data:
        raise DocumentRejected(texts.LEDGER_CSV_NUL)
    text = decode_text(data)
    if any(len(line) > MAX_CSV_LINE_CHARS for line in io.StringIO(text, newline="")):
        raise DocumentRejected(texts.LEDGER_LINE_TOO_LONG.format(limit=MAX_CSV_LINE_CHARS))
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[CellValue, ...]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            if len(rows) >= MAX_LEDGER_ROWS or len(row) > MAX_LEDGER_COLUMNS:
                raise DocumentRejected(
                    texts.LEDGER_TOO_MANY_ROWS.format(
                        rows=MAX_LEDGER_ROWS, columns=MAX_LEDGER_COLUMNS
                    )
                )
            rows.append(tuple(row))
    except csv.Error:  # a field over the csv module's limit, a quote left open
        raise DocumentRejected(texts.LEDGER_CSV_UNREADABLE) from None
    return Sheet(name or "CSV", tuple(rows))
