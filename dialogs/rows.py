"""Rows reached from anywhere: a row code typed with its figures, and the rest of a group.

Pure helpers the machine calls: which plan question a typed code names, and which cells
"余下为0" of a group zeroes. The codes and groups themselves are ``report.rowcodes`` and
``report.groups``; nothing here re-derives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dialogs import texts
from dialogs.buttons import Contents, Jump, RowList
from dialogs.model import Button, OutMessage, button
from dialogs.plan import RowQuestion, index_of, plan_for
from report.groups import group_of, rest_of_group
from report.layout import ReportFormat
from report.parsing import FigureError
from report.rowcodes import RowTarget, read_row_code, row_targets, targets_by_key
from report.values import Report


@dataclass(frozen=True)
class CodedAnswer:
    """A message read as a row code: the plan index of that row and its figures."""

    index: int
    question: RowQuestion
    figures: dict[str, Decimal]


def coded_answer(text: str, report: Report) -> CodedAnswer | FigureError | None:
    """The row a message names by its code (``四 2 1 0 0 1 0``, ``3(3)5 1 0 0 0 0 0``) with
    its figures; a ``FigureError`` when the code is clear but a figure is not; None when the
    message is no row code (then it answers the question asked)."""
    try:
        coded = read_row_code(text, report.format)
    except FigureError as error:
        return error
    if coded is None:
        return None
    index = index_of(report.format, coded.target.key)
    question = plan_for(report.format)[index]
    assert isinstance(question, RowQuestion)
    return CodedAnswer(index, question, dict(zip(question.cells, coded.figures, strict=True)))


def group_rest_zeros(report: Report, question: RowQuestion) -> tuple[str, dict[str, Decimal], int]:
    """What "本组余下为0" writes from ``question``: the group's heading, zeros for this row and
    every later row of its group not answered yet, and how many rows that is."""
    group = group_of(report.format, question.key)
    assert group is not None
    rest = rest_of_group(report, question.key)
    zeros = {c: Decimal(0) for t in rest for c in t.cells}
    zeros.update({c: Decimal(0) for c in question.cells})
    rows = len({t.key for t in rest} | {question.key})
    return group.label, zeros, rows


def has_group_rest(report: Report, question: RowQuestion) -> bool:
    """Whether the row is in a group with rows after it (a button then zeroes them)."""
    group = group_of(report.format, question.key)
    if group is None:
        return False
    keys = [t.key for t in group.rows]
    return keys.index(question.key) < len(keys) - 1


def target_of(fmt: ReportFormat, key: str) -> RowTarget:
    """The row target of the row question with this key (its code, group and total)."""
    return targets_by_key(fmt)[key]


#: Rows per page of the row list (a phone shows this many buttons without scrolling far).
PAGE_ROWS = 8


def row_list(report: Report, page: int) -> OutMessage:
    """A page of every table row, ✅ on those answered; a tap asks that row."""
    targets = row_targets(report.format)
    pages = max(1, -(-len(targets) // PAGE_ROWS))
    page = max(0, min(page, pages - 1))
    rows: list[list[Button]] = []
    for target in targets[page * PAGE_ROWS : (page + 1) * PAGE_ROWS]:
        done = all(c in report.figures for c in target.cells)
        label = texts.ROW_LIST_ITEM.format(
            mark="✅" if done else "…", code=target.code, label=_short(target.label)
        )
        rows.append([button(label, Jump(index_of(report.format, target.key)))])
    paging = []
    if page > 0:
        paging.append(button(texts.BTN_PAGE_BACK, RowList(page - 1)))
    if page + 1 < pages:
        paging.append(button(texts.BTN_PAGE_NEXT, RowList(page + 1)))
    paging.append(button(texts.BTN_CONTENTS, Contents()))
    rows.append(paging)
    return OutMessage(text=texts.ROW_LIST.format(page=page + 1, pages=pages), buttons=rows)


def _short(label: str, limit: int = 12) -> str:
    label = label.split("（")[0] if not label.startswith("（") else label
    label = label.lstrip("0123456789.")
    return label if len(label) <= limit else label[: limit - 1] + "…"
