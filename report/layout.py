"""The building blocks a report format is declared with.

A format is a list of sections; a section holds narrative parts or one table. A table is a list
of blocks (table 2 has five blocks, each with its own column header; tables 3 and 4 have one).
A block is rows x columns; every (row, column) pair is a cell with a stable id
``<row.id>.<column.id>`` (either part may be empty). Cells marked computed are totals: they are
never asked, only derived from their addends (and, when read from a document, checked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property


class UnitKind(StrEnum):
    COUNT = "count"
    MONEY = "money"


@dataclass(frozen=True)
class Unit:
    """The unit a cell holds: a count (件, 个, 条, 项) or an amount of money (元, 万元)."""

    symbol: str
    kind: UnitKind
    #: For money: how many 元 one unit is (元 = 1, 万元 = 10000). For counts: 1.
    yuan: Decimal = Decimal(1)
    #: How many decimal places a value in this unit may have.
    decimals: int = 0


PIECE = Unit("件", UnitKind.COUNT)
ITEM = Unit("个", UnitKind.COUNT)
YUAN = Unit("元", UnitKind.MONEY, Decimal(1), 2)
TEN_THOUSAND_YUAN = Unit("万元", UnitKind.MONEY, Decimal(10000), 4)


@dataclass(frozen=True)
class Carry:
    """How a stock column continues from last year's report, in the same row: the sum of last
    year's ``last`` columns, plus this year's ``added``, minus this year's ``removed``.

    A difference is only a warning (``kind`` names it; documents also expire). 同上年 fills the
    column this way, so copying last year's row never contradicts the warning.
    """

    kind: str
    last: tuple[str, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column of a block: its id, the label printed in the header, and its unit."""

    id: str
    label: str
    unit: Unit = PIECE
    #: A change (本年增/减) may be negative; everything else is >= 0.
    signed: bool = False
    #: The largest value a clerk may enter; a bigger one is almost surely a typing slip.
    maximum: Decimal = Decimal(1_000_000)
    #: Ids of the columns (in the same row) this one is the total of; empty if entered.
    total_of: tuple[str, ...] = ()
    #: For a stock (现行有效件数, 上一年项目数量): how it follows from last year's report.
    carry: Carry | None = None

    @property
    def computed(self) -> bool:
        return bool(self.total_of)

    @property
    def name(self) -> str:
        """The label on one line, as running text quotes it (headers may break it in two)."""
        return self.label.replace("\n", "")


class RowRole(StrEnum):
    """What a row of table 3 means to the questions and the rules (declared on the format, so
    no layer finds a row by its id or its label)."""

    NEW = "new"  # 一、本年新收: what "no applications this year" sets to 0
    CARRIED_OVER = "carried_over"  # 二、上年结转: continues last year's CARRIED_FORWARD
    RESULT = "result"  # an entered row under 三、本年度办理结果
    CARRIED_FORWARD = "carried_forward"  # 四、结转下年度继续办理: what the balance leaves


@dataclass(frozen=True)
class Row:
    """One row of a block.

    ``labels`` is the row's label path as printed, outermost first: table 3's leaf
    ``1.属于国家秘密`` sits under ``（三）不予公开`` under ``三、本年度办理结果``.
    """

    id: str
    labels: tuple[str, ...]
    #: Ids of the rows (in the same block) this one is the total of; empty if entered.
    total_of: tuple[str, ...] = ()
    role: RowRole | None = None

    @property
    def label(self) -> str:
        return self.labels[-1]

    @property
    def full_label(self) -> str:
        return " ".join(self.labels)

    @property
    def computed(self) -> bool:
        return bool(self.total_of)


@dataclass(frozen=True)
class HeaderGroup:
    """A header cell spanning the columns below it (``申请人情况``, ``行政诉讼`` ...).

    ``children`` are column ids (leaves) or nested groups, left to right.
    """

    label: str
    children: tuple[str | HeaderGroup, ...]

    def column_ids(self) -> tuple[str, ...]:
        ids: list[str] = []
        for child in self.children:
            ids.extend(child.column_ids() if isinstance(child, HeaderGroup) else (child,))
        return tuple(ids)

    def depth(self) -> int:
        return 1 + max(
            (c.depth() if isinstance(c, HeaderGroup) else 0 for c in self.children), default=0
        )


@dataclass(frozen=True)
class Cell:
    """One figure of the report, with where it lives."""

    id: str
    table: Table
    block: Block
    row: Row
    column: Column

    @property
    def computed(self) -> bool:
        return self.row.computed or self.column.computed

    @property
    def unit(self) -> Unit:
        return self.column.unit

    @property
    def label(self) -> str:
        """A readable name: row and column (``规范性文件·本年新制作数量``); in table 4, whose
        single row has no label, the column's group instead (``复议后起诉·总计``)."""
        first = self.row.label or self.block.group_label(self.column.id)
        parts = [p for p in (first, self.column.label) if p]
        return "·".join(parts).replace("\n", "")


@dataclass(frozen=True)
class Block:
    """Rows x columns under one header. ``title`` is the block caption (table 2 only)."""

    id: str
    title: str | None
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    #: Header cells above the columns; a bare column id means the column's own label.
    header: tuple[str | HeaderGroup, ...] = ()
    #: The header text over the row labels (``信息内容``, or table 3's arithmetic note).
    corner: str = ""

    def cell_id(self, row: Row, column: Column) -> str:
        return ".".join(p for p in (row.id, column.id) if p)

    @cached_property
    def entered_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.computed)

    @cached_property
    def entered_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if not r.computed)

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def row(self, row_id: str) -> Row:
        return next(r for r in self.rows if r.id == row_id)

    def row_with(self, role: RowRole) -> Row | None:
        """The row playing ``role`` in this block, if any."""
        return next((r for r in self.rows if r.role is role), None)

    def group_label(self, column_id: str) -> str:
        """The label of the innermost header group over a column ('' if none)."""

        def search(nodes: tuple[str | HeaderGroup, ...], inside: str) -> str | None:
            for node in nodes:
                if isinstance(node, HeaderGroup):
                    found = search(node.children, node.label)
                    if found is not None:
                        return found
                elif node == column_id:
                    return inside
            return None

        return search(self.header, "") or ""

    def header_depth(self) -> int:
        return (
            max((h.depth() if isinstance(h, HeaderGroup) else 0 for h in self.header), default=0)
            + 1
        )


@dataclass(frozen=True)
class Table:
    """One of the report's tables (表二、表三、表四 of the format)."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    #: The id of the yes/no question asked before the table ("any applications this year?");
    #: a "no" settles the rows it governs at once. None: the table is asked row by row.
    gate: str | None = None

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(
            Cell(b.cell_id(r, c), self, b, r, c)
            for b in self.blocks
            for r in b.rows
            for c in b.columns
        )


@dataclass(frozen=True)
class Part:
    """A narrative part a clerk writes, with a plain-Chinese hint of what belongs there."""

    id: str
    #: The heading printed before the text (``（一）主动公开政府信息情况``), or None for an
    #: untitled lead paragraph.
    title: str | None
    hint: str
    example: str = ""
    required: bool = True


@dataclass(frozen=True)
class Section:
    """一、to 六、: either narrative parts or one table."""

    number: int
    title: str
    parts: tuple[Part, ...] = ()
    table: Table | None = None

    @property
    def numeral(self) -> str:
        return "一二三四五六七八九十"[self.number - 1]

    @property
    def heading(self) -> str:
        return f"{self.numeral}、{self.title}"


@dataclass(frozen=True)
class ReportFormat:
    """One official format: its sections in order, and everything derived from them."""

    id: str
    name: str
    basis: str
    first_year: int
    last_year: int | None
    sections: tuple[Section, ...]
    cells_by_id: dict[str, Cell] = field(init=False, repr=False, compare=False, hash=False)
    # Derived once: the totals are looked up on every answer.
    _row_addends: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _column_addends: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    #: Each computed cell's addends (``addends``); a cell not here is entered.
    _totals: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        cells: dict[str, Cell] = {}
        for table in self.tables:
            for cell in table.cells:
                if cell.id in cells:
                    raise ValueError(f"duplicate cell id {cell.id} in format {self.id}")
                cells[cell.id] = cell
        object.__setattr__(self, "cells_by_id", cells)
        rows: dict[str, tuple[str, ...]] = {}
        columns: dict[str, tuple[str, ...]] = {}
        for cell in cells.values():
            block = cell.block
            rows[cell.id] = tuple(
                block.cell_id(cell.row, block.column(c)) for c in cell.column.total_of
            )
            columns[cell.id] = tuple(
                block.cell_id(block.row(r), cell.column) for r in cell.row.total_of
            )
        object.__setattr__(self, "_row_addends", rows)
        object.__setattr__(self, "_column_addends", columns)
        totals = {c.id: rows[c.id] or columns[c.id] for c in cells.values() if c.computed}
        object.__setattr__(self, "_totals", totals)

    def __hash__(self) -> int:
        # A format is looked up in caches (rules, plan, stocks) on every answer: hashing its
        # whole tree of sections, rows and columns each time cost more than the rules' sums.
        # Equal formats have equal ids, so this agrees with the generated ``__eq__``.
        return hash(self.id)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(s.table for s in self.sections if s.table is not None)

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(p for s in self.sections for p in s.parts)

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def cell(self, cell_id: str) -> Cell:
        return self.cells_by_id[cell_id]

    @property
    def entered_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells_by_id.values() if not c.computed)

    @property
    def computed_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells_by_id.values() if c.computed)

    def row_addends(self, cell_id: str) -> tuple[str, ...]:
        """For a cell in a total column: the cells of its row that column adds up."""
        return self._row_addends[cell_id]

    def column_addends(self, cell_id: str) -> tuple[str, ...]:
        """For a cell in a total row: the cells of its column that row adds up."""
        return self._column_addends[cell_id]

    def addends(self, cell_id: str) -> tuple[str, ...]:
        """The cells a computed cell is the sum of (a row total, a column total, or both).

        A cell that is both (三（七）总计 x 总计) is summed along the row, whose addends are
        themselves computed down their columns.
        """
        return self.row_addends(cell_id) or self.column_addends(cell_id)

    def total_addends(self, cell_id: str) -> tuple[str, ...] | None:
        """The addends of a computed cell (see ``addends``); None for an entered cell."""
        return self._totals.get(cell_id)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)
