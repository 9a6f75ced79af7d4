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
from typing import Any

from exports import texts
from exports.docx_source import MAX_FILE_BYTES, MB
from exports.result import DocumentRejected
from exports.source import Source, SourceParagraph, SourceTable

MAX_PAGES = 200

log = logging.getLogger(__name__)


def _inside(word: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _lines(page: Any, boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, str]]:
    """The page's text lines outside its tables, with their vertical position."""
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = outside.extract_text_lines(layout=False, strip=True)
    return [(line["top"], line["text"]) for line in lines if line["text"].strip()]


def _has_columns(table: Any) -> bool:
    """False for a "table" of one column: boxes drawn behind lines of text, not a table.

    Some exporters (the 洪泽区 2023 and 2024 reports', made with WPS) paint one white box behind
    every printed line, narrative included; pdfplumber takes the boxes' edges for rulings and
    finds a one-column table whose cells crop their lines. Every table of a report has at least
    two columns, so such a table is read as the lines of text it is.
    """
    return any(sum(1 for cell in row if cell is not None) > 1 for row in table.extract())


def _leading_lines(
    rows: tuple[tuple[str, ...], ...],
) -> tuple[list[str], tuple[tuple[str, ...], ...]]:
    """Split off the one-cell rows a table starts with: lines of text boxed like its cells.

    In the 洪泽区 reports the boxes behind the narrative's last lines on a page touch the first
    table's grid, so the table found begins with those lines, one per row. A table's own
    one-cell heading rows (``第二十条第（一）项``) stay in the table.
    """
    count = 0
    for row in rows:
        if len(row) != 1 or row[0].startswith("第二十条"):
            break
        count += 1
    if count == len(rows):
        return [], rows
    return [row[0].replace("\n", "") for row in rows[:count]], rows[count:]


def pdf_source(data: bytes) -> Source:
    """Read a PDF file's paragraphs and tables in page order."""
    import pdfplumber

    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    items: list[SourceParagraph | SourceTable] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DocumentRejected(texts.REJECT_PDF_TOO_MANY_PAGES.format(limit=MAX_PAGES))
            for page in pdf.pages:
                chars += len(page.chars)
                found = [t for t in page.find_tables() if _has_columns(t)]
                boxes = [t.bbox for t in found]
                placed: list[tuple[float, SourceParagraph | SourceTable]] = [
                    (top, SourceParagraph(text)) for top, text in _lines(page, boxes)
                ]
                for table in found:
                    # None marks a grid position covered by a merged cell: a merged cell is
                    # listed once, as in a DOCX row; "" is a cell printed empty.
                    rows = tuple(
                        tuple(cell.strip() for cell in row if cell is not None)
                        for row in table.extract()
                        if any((cell or "").strip() for cell in row)
                    )
                    lead, rows = _leading_lines(rows)
                    top = table.bbox[1]
                    placed.extend(
                        (top - (len(lead) - i) * 1e-3, SourceParagraph(line))
                        for i, line in enumerate(lead)
                    )
                    if rows:
                        placed.append((top, SourceTable(rows)))
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
    items: list[SourceParagraph | SourceTable],
) -> list[SourceParagraph | SourceTable]:
    """A table continued on the next page arrives as two tables with nothing between them."""
    out: list[SourceParagraph | SourceTable] = []
    for item in items:
        if isinstance(item, SourceTable) and out and isinstance(out[-1], SourceTable):
            out[-1] = SourceTable(out[-1].rows + item.rows)
        else:
            out.append(item)
    return out
