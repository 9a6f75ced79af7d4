"""A published PDF report as a :class:`Source` (pdfplumber, with its table extraction).

Most offices publish last year's report only as PDF. Each page's tables are found from their
ruling lines; the text outside the tables becomes paragraphs, one per printed line (a PDF
keeps no paragraph marks, so a paragraph broken over lines is read as several; the narrative
reader joins a part's lines again). A scanned PDF has no text layer: it is refused with a
clear message (no OCR).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from exports import texts
from exports.docx_source import MAX_FILE_BYTES, MB
from exports.result import DocumentRejected
from exports.source import Source, SourceParagraph, SourceTable

MAX_PAGES = 200

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Cell:
    text: str
    #: Where the cell stands across the page, to join a row broken over two pages.
    x0: float
    x1: float


#: A table row as pdfplumber's grid has it: None marks a position covered by a merged cell.
_GridRow = tuple[_Cell | None, ...]


@dataclass(frozen=True)
class _PageTable:
    """One page's part of a table, its grid kept until the parts are joined."""

    grid: tuple[_GridRow, ...]


def _inside(word: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


#: A line that is only the page's number: ``- 5 -``, ``-1-``, ``— 2 —``, ``第 3 页``, ``3/6``.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–]\s*\d+\s*[-－—–]|第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$"
)


def _lines(page: Any, boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, str]]:
    """The page's text lines outside its tables, with their vertical position.

    A line holding only the page's number (``- 5 -`` at the foot of every page of 淮安市人民
    政府's 2024 report) is the printer's, not the report's: it is dropped, so a paragraph or a
    table running on across the page break is read whole.
    """
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = outside.extract_text_lines(layout=False, strip=True)
    return [
        (line["top"], line["text"])
        for line in lines
        if line["text"].strip() and not _PAGE_NUMBER.match(line["text"])
    ]


def _has_columns(table: Any) -> bool:
    """False for a "table" of one column: boxes drawn behind lines of text, not a table.

    Some exporters (the 洪泽区 2023 and 2024 reports', made with WPS) paint one white box behind
    every printed line, narrative included; pdfplumber takes the boxes' edges for rulings and
    finds a one-column table whose cells crop their lines. Every table of a report has at least
    two columns, so such a table is read as the lines of text it is.
    """
    return any(sum(1 for cell in row if cell is not None) > 1 for row in table.extract())


def _leading_lines(grid: tuple[_GridRow, ...]) -> tuple[list[str], tuple[_GridRow, ...]]:
    """Split off the one-cell rows a table starts with: lines of text boxed like its cells.

    In the 洪泽区 reports the boxes behind the narrative's last lines on a page touch the first
    table's grid, so the table found begins with those lines, one per row. A table's own
    one-cell heading rows (``第二十条第（一）项``) stay in the table.
    """
    count = 0
    for row in grid:
        cells = [cell.text for cell in row if cell is not None]
        if len(cells) != 1 or cells[0].startswith("第二十条"):
            break
        count += 1
    if count == len(grid):
        return [], grid
    lines = [next(c.text for c in row if c is not None).replace("\n", "") for row in grid[:count]]
    return lines, grid[count:]


def pdf_source(data: bytes) -> Source:
    """Read a PDF file's paragraphs and tables in page order."""
    import pdfplumber

    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    items: list[SourceParagraph | _PageTable] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DocumentRejected(texts.REJECT_PDF_TOO_MANY_PAGES.format(limit=MAX_PAGES))
            for page in pdf.pages:
                chars += len(page.chars)
                found = [t for t in page.find_tables() if _has_columns(t)]
                boxes = [t.bbox for t in found]
                placed: list[tuple[float, SourceParagraph | _PageTable]] = [
                    (top, SourceParagraph(text)) for top, text in _lines(page, boxes)
                ]
                for table in found:
                    grid = tuple(
                        tuple(
                            None
                            if text is None or box is None
                            else _Cell(text.strip(), box[0], box[2])
                            for text, box in zip(texts, row.cells, strict=True)
                        )
                        for texts, row in zip(table.extract(), table.rows, strict=True)
                        if any((text or "").strip() for text in texts)
                    )
                    lead, grid = _leading_lines(grid)
                    top = table.bbox[1]
                    placed.extend(
                        (top - (len(lead) - i) * 1e-3, SourceParagraph(line))
                        for i, line in enumerate(lead)
                    )
                    if grid:
                        placed.append((top, _PageTable(grid)))
                placed.sort(key=lambda item: item[0])
                items.extend(item for _, item in placed)
    except DocumentRejected:
        raise
    except Exception as error:  # pdfminer raises many kinds for damaged or encrypted files
        # The parser's English stays in the log; the clerk is told what to do.
        log.info("PDF not read: %s: %s", type(error).__name__, error)
        raise DocumentRejected(texts.REJECT_PDF_BROKEN) from None
    if chars == 0:
        raise DocumentRejected(texts.REJECT_PDF_NO_TEXT)
    return Source(tuple(_merge_split_tables(items)))


def _merge_split_tables(
    items: list[SourceParagraph | _PageTable],
) -> list[SourceParagraph | SourceTable]:
    """A table continued on the next page arrives as two tables with nothing between them.

    Word and LibreOffice let a row break across a page: the row's first lines close one page
    (its label cut mid-word, its figures printed) and the rest of its label opens the next
    page's part, every figure cell empty (the 君山片区 2023 report's PDF, row （六）1.申请人无正当
    理由逾期不补 | 正、行政机关不再处理…). The two parts' grids may differ (the 海坛片区 2023 PDF
    finds an extra column on the second page, and restarts the merged 三、本年度办理结果 cell
    there as ``果``). Such a first row is joined to the row it continues, each piece of text to
    the cell standing over it; a piece under no cell of that row continues a cell merged from
    an earlier row and is dropped.
    """
    joined: list[SourceParagraph | _PageTable] = []
    for item in items:
        if isinstance(item, _PageTable) and joined and isinstance(joined[-1], _PageTable):
            joined[-1] = _PageTable(_join_parts(joined[-1].grid, item.grid))
        else:
            joined.append(item)
    return [
        SourceTable(tuple(tuple(c.text for c in row if c is not None) for row in item.grid))
        if isinstance(item, _PageTable)
        else item
        for item in joined
    ]


def _join_parts(first: tuple[_GridRow, ...], rest: tuple[_GridRow, ...]) -> tuple[_GridRow, ...]:
    """The two parts of a table, the row broken across the page (if any) made whole again."""
    last, head = first[-1], rest[0]
    if not _continues(last, head):
        return first + rest
    whole = list(last)
    for piece in head:
        if piece is None or not piece.text:
            continue
        target = _over(whole, piece)
        if target is not None:
            cell = whole[target]
            assert cell is not None
            whole[target] = replace(cell, text=cell.text + piece.text)
    return (*first[:-1], tuple(whole), *rest[1:])


def _over(row: list[_Cell | None], piece: _Cell) -> int | None:
    """The cell of ``row`` standing over ``piece`` (its centre within the cell's width)."""
    centre = (piece.x0 + piece.x1) / 2
    for index, cell in enumerate(row):
        if cell is not None and cell.x0 <= centre <= cell.x1:
            return index
    return None


def _continues(last: _GridRow, head: _GridRow) -> bool:
    """True when ``head`` is the rest of ``last``: some label text, nothing under a printed
    figure of ``last``."""
    figures = [cell for cell in last if cell is not None and _is_figure(cell.text)]
    if not figures:
        return False
    pieces = [cell for cell in head if cell is not None and cell.text]
    if any(_is_figure(p.text) for p in pieces):
        return False
    if any(_over([f], p) is not None for f in figures for p in pieces):
        return False
    return bool(pieces)


def _is_figure(text: str) -> bool:
    return text.replace(".", "", 1).replace(",", "").isdigit()
