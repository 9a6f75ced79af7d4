"""The plain-text flattening of a report document as a :class:`Source`.

Text extractors (Apache Tika and the like) write each table cell on its own line after a tab,
a blank line after each row, and a cell's further lines without the tab. Paragraphs are plain
lines; ``[bookmark: _GoBack]`` markers are dropped. Two blank lines, or a plain line after a
blank one, end a table.
"""

from __future__ import annotations

import re

from exports import texts
from exports.docx_source import MAX_CELLS, MAX_FILE_BYTES, MAX_PARAGRAPHS, MAX_TABLES, MB
from exports.result import DocumentRejected
from exports.source import Source, SourceParagraph, SourceTable

_MARKERS = re.compile(r"\[(?:bookmark|annotation|comment|link|image)[^\]\n]*\]")
#: A line right-aligned by leading spaces (how extractors keep the closing's layout).
_RIGHT_INDENT = re.compile(r"^[ \u3000]{4,}\S")


def decode_text(data: bytes) -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM) or GB18030."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TEXT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentRejected(texts.REJECT_NOT_TEXT)


class _Builder:
    def __init__(self) -> None:
        self.items: list[SourceParagraph | SourceTable] = []
        self.rows: list[tuple[str, ...]] = []
        self.row: list[str] = []
        self.cells = 0
        self.tables = 0

    def end_row(self) -> None:
        if self.row:
            self.rows.append(tuple(c.strip() for c in self.row))
            self.cells += len(self.row)
            if self.cells > MAX_CELLS:
                raise DocumentRejected(texts.REJECT_TOO_MANY_CELLS.format(limit=MAX_CELLS))
            self.row = []

    def end_table(self) -> None:
        self.end_row()
        if self.rows:
            self.items.append(SourceTable(tuple(self.rows)))
            self.tables += 1
            if self.tables > MAX_TABLES:
                raise DocumentRejected(texts.REJECT_TOO_MANY_TABLES.format(limit=MAX_TABLES))
            self.rows = []

    def paragraph(self, line: str) -> None:
        self.end_table()
        self.items.append(SourceParagraph(line.strip(), bool(_RIGHT_INDENT.match(line))))
        if len(self.items) > MAX_PARAGRAPHS:
            raise DocumentRejected(texts.REJECT_TOO_MANY_PARAGRAPHS.format(limit=MAX_PARAGRAPHS))


def text_source(text: str) -> Source:
    """Read the flattened text of a report document."""
    if len(text) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TEXT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    text = _MARKERS.sub("", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    builder = _Builder()
    blanks = 0
    after_cell = False
    for line in text.split("\n"):
        if line.startswith("\t"):
            if blanks:
                builder.end_row()
            builder.row.append(line[1:])
            after_cell, blanks = True, 0
        elif not line.strip():
            blanks += 1
            after_cell = False
            if blanks >= 2:
                builder.end_table()
        elif after_cell:
            builder.row[-1] += "\n" + line
        else:
            builder.paragraph(line)
            blanks = 0
    builder.end_table()
    return Source(tuple(builder.items))
