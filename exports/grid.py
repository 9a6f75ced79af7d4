"""Where every printed cell of a report table goes: a pure layout decision.

A table is laid out on a grid: ``label_columns`` grid columns for the row labels (table 3's
three-level labels need three, table 4 has none), then the figure columns. Table 2's blocks
have different numbers of columns, so each block's figure columns span an equal share of a
common number of grid columns. Headers come from the blocks' ``HeaderGroup`` trees: a group
spans its leaves on one row; a leaf column's own label fills the rows below down to the
deepest header row, exactly as the official format merges them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from math import lcm

from report.layout import Block, HeaderGroup, Table


class Kind(StrEnum):
    BLOCK_TITLE = "block_title"
    CORNER = "corner"
    HEADER = "header"
    LABEL = "label"
    FIGURE = "figure"


@dataclass
class GridCell:
    """One printed (possibly merged) cell: top-left grid position and its spans."""

    row: int
    column: int
    rows: int
    columns: int
    kind: Kind
    text: str = ""
    #: For figures: the cell id whose value is printed here.
    cell_id: str | None = None


@dataclass(frozen=True)
class TableGrid:
    grid_columns: int
    label_columns: int
    header_rows: frozenset[int]
    #: The last grid row of each block.
    block_ends: frozenset[int]
    rows: int
    cells: tuple[GridCell, ...]


def label_columns(table: Table) -> int:
    """How many grid columns the row labels need (0 when no row is labelled)."""
    if all(
        not block.corner and all(not "".join(r.labels) for r in block.rows)
        for block in table.blocks
    ):
        return 0
    return max(len(r.labels) for block in table.blocks for r in block.rows)


def _header_cells(block: Block, top: int, left: int, span: int, depth: int) -> list[GridCell]:
    cells: list[GridCell] = []

    def place(items: tuple[str | HeaderGroup, ...], level: int, column: int) -> int:
        for item in items:
            if isinstance(item, HeaderGroup):
                width = len(item.column_ids()) * span
                cells.append(GridCell(top + level, column, 1, width, Kind.HEADER, item.label))
                place(item.children, level + 1, column)
                column += width
            else:
                label = block.column(item).label
                cells.append(GridCell(top + level, column, depth - level, span, Kind.HEADER, label))
                column += span
        return column

    place(block.header or tuple(c.id for c in block.columns), 0, left)
    return cells


def _label_cells(block: Block, top: int, labels: int) -> list[GridCell]:
    """Row labels, merging a parent label down over its consecutive children."""
    cells: list[GridCell] = []
    open_parents: dict[int, GridCell] = {}
    previous: tuple[str, ...] = ()
    for offset, row in enumerate(block.rows):
        path = row.labels
        for level, label in enumerate(path):
            leaf = level == len(path) - 1
            parent = open_parents.get(level)
            if not leaf and parent is not None and previous[: level + 1] == path[: level + 1]:
                parent.rows += 1
                continue
            cell = GridCell(
                top + offset, level, 1, labels - level if leaf else 1, Kind.LABEL, label
            )
            cells.append(cell)
            if not leaf:
                open_parents[level] = cell
        for level in list(open_parents):
            if level >= len(path) - 1:
                del open_parents[level]
        previous = path
    return cells


def table_grid(table: Table) -> TableGrid:
    """The printed layout of one report table."""
    labels = label_columns(table)
    figure_columns = lcm(*(len(b.columns) for b in table.blocks))
    width = labels + figure_columns
    cells: list[GridCell] = []
    header_rows: set[int] = set()
    block_ends: set[int] = set()
    row = 0
    for block in table.blocks:
        if block.title:
            cells.append(GridCell(row, 0, 1, width, Kind.BLOCK_TITLE, block.title))
            header_rows.add(row)
            row += 1
        depth = block.header_depth()
        span = figure_columns // len(block.columns)
        if labels:
            cells.append(GridCell(row, 0, depth, labels, Kind.CORNER, block.corner))
        cells.extend(_header_cells(block, row, labels, span, depth))
        header_rows.update(range(row, row + depth))
        row += depth
        if labels:
            cells.extend(_label_cells(block, row, labels))
        for offset, data_row in enumerate(block.rows):
            for index, column in enumerate(block.columns):
                cells.append(
                    GridCell(
                        row + offset,
                        labels + index * span,
                        1,
                        span,
                        Kind.FIGURE,
                        cell_id=block.cell_id(data_row, column),
                    )
                )
        row += len(block.rows)
        block_ends.add(row - 1)
    return TableGrid(
        width, labels, frozenset(header_rows), frozenset(block_ends), row, tuple(cells)
    )
