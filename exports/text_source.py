"""The plain-text flattening of a report document as a :class:`Source`.

Real flattenings, all read with their tables:

- Text extractors (Apache Tika and the like) write each table cell on its own line after a
  tab, a blank line after each row, and a cell's further lines without the tab. Paragraphs are
  plain lines; ``[bookmark: _GoBack]`` markers are dropped. Two blank lines, or a plain line
  after a blank one, end a table.
- Word's 另存为纯文本 writes a table row on one line, its cells separated by tabs.
- A web page copied as text (and Markdown) writes a row on one line between ``|`` marks:
  ``规章 | 0 | 0 | 0 |``.
- LibreOffice's text export (and a web page's text, one cell per line) writes every cell as
  a line of its own: ``规章`` ``0`` ``0`` ``0``. A run of short lines holding bare figures is
  read as a table, a row starting at each label after a figure. A web page's text puts a blank
  line after every cell; in LibreOffice's export a blank line (or a no-break space) is an
  empty cell.
"""

from __future__ import annotations

import itertools
import re

from exports import texts
from exports.docx_source import MAX_CELLS, MAX_FILE_BYTES, MAX_PARAGRAPHS, MAX_TABLES, MB
from exports.labels import Level, fold, key, split_enumerator
from exports.result import DocumentRejected
from exports.source import Source, SourceParagraph, SourceTable
from report.formats import FORMATS

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


_PIPE = re.compile(r"\|.*\|")
_FIGURE_LINE = re.compile(
    r"^[\s\u3000]*-?[0-9０-９][0-9０-９,，.．]*\s*(?:万元|元|件|个|条|项)?[\s\u3000]*$"
)
_SECTION_TITLES = frozenset(key(s.title) for f in FORMATS.values() for s in f.sections)
#: A line of a one-cell-per-line table is short and is not a sentence.
_CELL_LINE_MAX = 60
#: So many bare figures make a run of short lines a table.
_MIN_FIGURES = 3


def _split_row(line: str) -> list[str] | None:
    """The cells of a one-line row (Word's tabs, a web page's ``|``), else None."""
    stripped = line.strip()
    if "\t" in line and stripped:
        # Leading tabs are empty cells (a vertically merged label cell), kept in place.
        return [c.strip() for c in line.rstrip("\r\n").split("\t")]
    if _PIPE.search(stripped) and stripped.count("|") >= 2:
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        return cells if len(cells) >= 2 else None
    return None


def _is_section_title(text: str) -> bool:
    enumerated = split_enumerator(text)
    return enumerated.level is Level.FIRST and any(
        t in fold(enumerated.rest) for t in _SECTION_TITLES
    )


def _is_cell_line(text: str) -> bool:
    return len(text) <= _CELL_LINE_MAX and "。" not in text and not _is_section_title(text)


def _cell_runs(items: list[SourceParagraph | SourceTable]) -> list[SourceParagraph | SourceTable]:
    """Runs of one-cell-per-line paragraphs holding figures, turned into tables."""
    out: list[SourceParagraph | SourceTable] = []
    run: list[SourceParagraph] = []

    def flush() -> None:
        figures = sum(1 for p in run if _FIGURE_LINE.match(p.text))
        if figures >= _MIN_FIGURES:
            # A web page's text puts a blank line after every cell: blanks only separate.
            # LibreOffice's export does not: a blank line there is an empty cell.
            dense = any(a.text and b.text for a, b in itertools.pairwise(run))
            lines = [p.text.strip() for p in run if p.text or dense]
            # A row is the last label line before its figures; earlier label lines (block
            # titles, headers, table 3's group labels) stand as rows of one cell.
            rows: list[tuple[str, ...]] = []
            row: list[str] = []
            for text in lines:
                if not text or _FIGURE_LINE.match(text):
                    row.append(text)
                    continue
                if row:
                    rows.append(tuple(row))
                row = [text]
            if row:
                rows.append(tuple(row))
            out.append(SourceTable(tuple(rows)))
        else:
            out.extend(p for p in run if p.text)
        run.clear()

    for item in items:
        if isinstance(item, SourceParagraph) and item.text and _is_cell_line(item.text):
            run.append(item)
            continue
        if isinstance(item, SourceParagraph) and not item.text:
            if run:
                run.append(item)
            continue
        flush()
        out.append(item)
    flush()
    return out


def text_source(text: str) -> Source:
    """Read the flattened text of a report document."""
    if len(text) > MAX_FILE_BYTES:
        raise DocumentRejected(texts.REJECT_TEXT_TOO_LARGE.format(limit=MAX_FILE_BYTES // MB))
    text = _MARKERS.sub("", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    builder = _Builder()
    blanks = 0
    after_cell = False
    one_line_rows = False
    for line in text.split("\n"):
        tika_cell = line.startswith("\t") and "\t" not in line[1:]
        cells = None if tika_cell else _split_row(line)
        if cells is not None:
            if not one_line_rows:
                builder.end_table()
            builder.end_row()
            builder.row = cells
            builder.end_row()
            one_line_rows, after_cell, blanks = True, False, 0
            continue
        if one_line_rows and line.strip():
            builder.end_table()
        one_line_rows = one_line_rows and not line.strip()
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
            if not builder.rows and not builder.row:
                # Kept for _cell_runs: an empty cell in LibreOffice's text export.
                builder.items.append(SourceParagraph(""))
        elif after_cell:
            builder.row[-1] += "\n" + line
        else:
            builder.paragraph(line)
            blanks = 0
    builder.end_table()
    return Source(tuple(_cell_runs(builder.items)))
