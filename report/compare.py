"""What a document says against the stored draft, cell by cell and part by part (pure).

For this year's report sent as a Word file: before anything is written, the clerk sees what
was read and how it differs from the draft already stored. The result is a value; the
conversation (``dialogs/imports.py``) shows it and, on confirmation, writes the read figures
and texts through the same path as typed answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from report import texts
from report.parsing import format_figure
from report.values import Report

#: How much of a changed text a line quotes.
_QUOTE = 20


@dataclass(frozen=True)
class CellChange:
    """An entered cell whose figure in the document differs from the stored one (None: the
    stored draft has no figure there yet)."""

    cell_id: str
    label: str
    stored: Decimal | None
    read: Decimal


@dataclass(frozen=True)
class PartChange:
    """A narrative part whose text in the document differs from the stored one."""

    part_id: str
    heading: str
    stored: str | None
    read: str


@dataclass(frozen=True)
class DraftComparison:
    """The differences, in the format's order; ``unread`` lists the entered cells the document
    gave no figure for (the stored figure, if any, would stay)."""

    format_changed: bool
    cells: tuple[CellChange, ...]
    parts: tuple[PartChange, ...]
    unread: tuple[str, ...]
    same_cells: int

    @property
    def identical(self) -> bool:
        return not (self.format_changed or self.cells or self.parts)


def compare_with_stored(read: Report, stored: Report) -> DraftComparison:
    """Compare a report read from a document with the stored draft of the same year.

    Only entered cells are compared (totals follow from them; a printed total that disagrees
    is the rules' business); parts the document does not have are not changes."""
    fmt = read.format
    changes: list[CellChange] = []
    unread: list[str] = []
    same = 0
    for cell in fmt.entered_cells:
        value = read.figures.get(cell.id)
        if value is None:
            unread.append(cell.id)
            continue
        before = stored.figures.get(cell.id) if stored.format_id == read.format_id else None
        if before is not None and before == value:
            same += 1
            continue
        changes.append(CellChange(cell.id, cell.label, before, value))
    parts: list[PartChange] = []
    for section in fmt.sections:
        for part in section.parts:
            text = read.texts.get(part.id)
            if text is None:
                continue
            before_text = stored.texts.get(part.id)
            if before_text != text:
                heading = part.title or section.heading
                parts.append(PartChange(part.id, heading, before_text, text))
    return DraftComparison(
        format_changed=stored.format_id != read.format_id,
        cells=tuple(changes),
        parts=tuple(parts),
        unread=tuple(unread),
        same_cells=same,
    )


def describe_changes(comparison: DraftComparison) -> list[str]:
    """One Chinese line per difference, for the clerk to confirm."""
    lines: list[str] = []
    if comparison.format_changed:
        lines.append(texts.COMPARE_FORMAT_CHANGED)
    for change in comparison.cells:
        before = texts.COMPARE_EMPTY if change.stored is None else format_figure(change.stored)
        lines.append(
            texts.COMPARE_CELL.format(
                label=change.label, before=before, after=format_figure(change.read)
            )
        )
    for part in comparison.parts:
        quoted = part.read[:_QUOTE] + ("…" if len(part.read) > _QUOTE else "")
        template = texts.COMPARE_PART_NEW if part.stored is None else texts.COMPARE_PART
        lines.append(template.format(heading=part.heading, text=quoted))
    if comparison.unread:
        lines.append(texts.COMPARE_UNREAD.format(count=len(comparison.unread)))
    return lines
