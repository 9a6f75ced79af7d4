"""The questions of a report, in the format's order, derived from the format declaration.

Narrative parts are asked one by one; tables row by row (all entered columns of a row in one
message); table 4's single row is asked as its three groups (行政复议, 未经复议直接起诉,
复议后起诉) so a phone shows four figures at a time. Tables 3 and 4 open with a yes/no gate
("本年度是否收到政府信息公开申请？") that can fill most of the table with zeros at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from report.layout import (
    Block,
    Column,
    HeaderGroup,
    Part,
    ReportFormat,
    Row,
    RowRole,
    Section,
    Table,
)
from report.values import Report

#: The gate ids the formats declare (``Table.gate``); the state keeps answers under them.
APPLICATIONS_GATE = "applications"
APPEALS_GATE = "appeals"


@dataclass(frozen=True)
class PartQuestion:
    """Asks for the text of one narrative part."""

    section: Section
    part: Part

    @property
    def key(self) -> str:
        return f"part:{self.part.id}"


@dataclass(frozen=True)
class RowQuestion:
    """Asks for every entered figure of one table row (or one group of table 4)."""

    section: Section
    table: Table
    block: Block
    row: Row
    columns: tuple[Column, ...]
    label: str
    #: Last year's cells shown beside the question and copied by 同上年 (for 上年结转 these are
    #: last year's 结转下年度继续办理, not last year's 上年结转).
    last_year_cells: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"row:{self.cells[0]}"

    @cached_property
    def cells(self) -> tuple[str, ...]:
        return tuple(self.block.cell_id(self.row, c) for c in self.columns)


@dataclass(frozen=True)
class GateQuestion:
    """A yes/no question that decides whether most of a table is asked at all."""

    section: Section
    table: Table
    gate: str

    @property
    def key(self) -> str:
        return f"gate:{self.gate}"


Question = PartQuestion | RowQuestion | GateQuestion


@cache
def plan_for(fmt: ReportFormat) -> tuple[Question, ...]:
    """Every question of a format, in order."""
    questions: list[Question] = []
    for section in fmt.sections:
        questions.extend(PartQuestion(section, part) for part in section.parts)
        table = section.table
        if table is None:
            continue
        if table.gate is not None:
            questions.append(GateQuestion(section, table, table.gate))
        if table.id == "appeals":
            block = table.blocks[0]
            (row,) = block.rows
            for header in block.header:
                assert isinstance(header, HeaderGroup), "appeals are headed by groups"
                for group in _leaf_groups(header):
                    columns = tuple(
                        block.column(c) for c in group.column_ids() if not block.column(c).computed
                    )
                    cells = tuple(block.cell_id(row, c) for c in columns)
                    questions.append(
                        RowQuestion(section, table, block, row, columns, group.label, cells)
                    )
            continue
        for block in table.blocks:
            for row in block.entered_rows:
                columns = block.entered_columns
                carried = block.row_with(RowRole.CARRIED_FORWARD)
                source = carried if row.role is RowRole.CARRIED_OVER and carried else row
                last = tuple(block.cell_id(source, c) for c in columns)
                questions.append(RowQuestion(section, table, block, row, columns, row.label, last))
    return tuple(questions)


def _leaf_groups(group: HeaderGroup) -> list[HeaderGroup]:
    """The innermost header groups (those whose children are all columns)."""
    children = [c for c in group.children if not isinstance(c, str)]
    if not children:
        return [group]
    return [leaf for child in children for leaf in _leaf_groups(child)]


def index_of(fmt: ReportFormat, key: str) -> int:
    """The position of the question with this key in the format's plan."""
    for index, question in enumerate(plan_for(fmt)):
        if question.key == key:
            return index
    raise KeyError(key)


def is_answered(question: Question, report: Report, gates: dict[str, bool]) -> bool:
    """Whether the report already holds the answer to ``question``."""
    if isinstance(question, PartQuestion):
        return bool(report.texts.get(question.part.id, "").strip())
    if isinstance(question, RowQuestion):
        return all(c in report.figures for c in question.cells)
    if question.gate in gates:
        return True
    # A gate is settled once the rows it governs are filled in, whoever filled them.
    return all(
        c.id in report.figures
        for c in question.table.cells
        if not c.computed and _gated(question, c.row)
    )


def _gated(gate: GateQuestion, row: Row) -> bool:
    # "No applications" settles only 一、本年新收; the other gates settle their whole table.
    return gate.gate != APPLICATIONS_GATE or row.role is RowRole.NEW


def section_questions(fmt: ReportFormat, number: int) -> list[int]:
    """Indexes of the questions of section ``number``."""
    return [i for i, q in enumerate(plan_for(fmt)) if q.section.number == number]


def row_question_for_cell(fmt: ReportFormat, cell_id: str) -> int | None:
    """The index of the row question that asks for this cell (None for computed cells)."""
    for index, question in enumerate(plan_for(fmt)):
        if isinstance(question, RowQuestion) and cell_id in question.cells:
            return index
    return None
