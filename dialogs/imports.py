"""Reports sent as files in the chat, shown so a clerk can check them before anything is written.

Pure text building for the two imports the conversation takes (``dialogs.machine`` asks, and
writes on confirmation): last year's report (kept for comparison and 同上年), and this year's
report drafted in Word or any readable form (compared with the stored draft cell by cell and
part by part, then written through the same path as typed answers).
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from dialogs import texts
from report.compare import DraftComparison, describe_changes
from report.layout import Cell, Table
from report.parsing import format_figure
from report.values import Report

#: Rows shown per table in a preview; the rest are counted.
PREVIEW_ROWS = 12
#: Difference lines shown before the rest are counted (a Telegram message holds 4,096 chars).
DIFFERENCE_LINES = 25


def nothing_read(report: Report) -> bool:
    """True when the document gave neither a figure nor a text: there is nothing to write."""
    return not report.figures and not report.texts


def _normalise(name: str) -> str:
    return name.replace(" ", "").replace("　", "")


def other_organisation(named: str | None, organisation: str, short_name: str) -> bool:
    """Whether the document's title names an office other than the clerk's.

    Titles name an office more or less fully (``洪泽区人民政府``, ``淮安市洪泽区人民政府``), so
    one name containing the other, or the short name appearing in the title, counts as the
    same office. No title: nothing to compare, no warning.
    """
    if not named:
        return False
    title = _normalise(named)
    ours = [_normalise(n) for n in (organisation, short_name) if n.strip()]
    return not any(n in title or title in n for n in ours)


def _row_name(cell: Cell) -> str:
    """A row as a clerk finds it in the table: with its group when the number repeats
    (``（三）不予公开 1.属于国家秘密``); table 4's unlabelled row by its column group."""
    labels = cell.row.labels
    if not cell.row.label:
        return cell.block.group_label(cell.column.id)
    if len(labels) >= 3:
        return f"{labels[-2]} {labels[-1]}"
    return labels[-1]


def _table_block(report: Report, table: Table) -> str:
    """One table as the figures read: a line per row that holds a non-zero figure, each figure
    with its column's name."""
    rows: dict[str, list[str]] = {}
    for cell in table.cells:
        value = report.figures.get(cell.id)
        if value is None or value == 0:
            continue
        rows.setdefault(_row_name(cell), []).append(f"{cell.column.name} {format_figure(value)}")
    lines = [f"<b>{escape(table.title)}</b>"]
    if not rows:
        lines.append(texts.PREVIEW_ALL_ZERO)
    for name, figures in list(rows.items())[:PREVIEW_ROWS]:
        lines.append(escape(f"· {name}：{'、'.join(figures)}"))
    if len(rows) > PREVIEW_ROWS:
        lines.append(texts.PREVIEW_MORE_ROWS.format(count=len(rows) - PREVIEW_ROWS))
    return "\n".join(lines)


def preview(report: Report) -> str:
    """What was read, table by table, and how many narrative parts (HTML-escaped)."""
    blocks = [_table_block(report, table) for table in report.format.tables]
    parts = len(report.format.parts)
    blocks.append(texts.PREVIEW_PARTS.format(read=len(report.texts), parts=parts))
    return "\n".join(blocks)


def _blank_to_zero(comparison: DraftComparison) -> int:
    return sum(1 for c in comparison.cells if c.stored is None and c.read == 0)


def difference_count(comparison: DraftComparison) -> int:
    """How many cells and parts the file would change."""
    return len(comparison.cells) + len(comparison.parts)


def differences(comparison: DraftComparison) -> str:
    """The differences from the stored draft, one line each (HTML-escaped).

    A Word draft prints a blank (read as 0) wherever the clerk has not typed yet; those cells
    are counted on one line rather than listed one by one, so the real changes stand out.
    """
    listed = [c for c in comparison.cells if not (c.stored is None and c.read == 0)]
    lines = describe_changes(replace(comparison, cells=tuple(listed)))
    blank = _blank_to_zero(comparison)
    if blank:
        lines.insert(len(listed), texts.DRAFT_BLANK_TO_ZERO.format(count=blank))
    shown = [escape(f"· {line}") for line in lines[:DIFFERENCE_LINES]]
    if len(lines) > DIFFERENCE_LINES:
        shown.append(texts.DRAFT_MORE_DIFFERENCES.format(count=len(lines) - DIFFERENCE_LINES))
    return "\n".join(shown)


def written(comparison: DraftComparison) -> str:
    """What a confirmed import writes, in words: ``3个数字、1个文字部分``."""
    counts = (
        (len(comparison.cells), texts.DRAFT_DONE_CELLS),
        (len(comparison.parts), texts.DRAFT_DONE_PARTS),
    )
    return "、".join(template.format(count=n) for n, template in counts if n)


def organisation_warning(named: str | None, organisation: str, short_name: str) -> str | None:
    """The warning shown when the document is another office's report (None: it is not)."""
    if not other_organisation(named, organisation, short_name):
        return None
    return texts.IMPORT_OTHER_ORGANISATION.format(
        named=escape(named or ""), organisation=escape(organisation)
    )
