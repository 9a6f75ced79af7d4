"""Row codes: reaching any table row from anywhere by typing its code with its figures.

A clerk who spots a slip types the row's code and the row again: ``三（三）5 0 0 1 0 0 0``,
``四 2 1 0 0 1 0``, half-width ``3(3)5 0 0 1 0 0 0``, ``行政复议 1 0 0 1``. The codes are derived
from the format's own labels, never typed here:

- table 3 (applications): the numbering printed in the row's labels, outermost first
  (``一``, ``二``, ``三（一）``, ``三（三）5``, ``四``);
- table 2 (disclosure): the section's numeral, the item of the block's title
  (``第二十条第（五）项`` → ``（五）``) and, in a block of several rows, the row's place in it
  (``二（一）1`` 规章, ``二（一）2`` 行政规范性文件, ``二（五）`` 行政许可); a row's own label
  (``规章``, ``行政许可``) works too;
- table 4 (appeals): each group's label (``行政复议``, ``未经复议直接起诉``, ``复议后起诉``).

A label also answers to a unique ending of four characters or more (``规范性文件``, ``直接起诉``).
A code is read only when the message has exactly one item more than the row has figures, so a row
typed in Chinese numerals (``一 0 0 0 0 0``, ``十六 一 0 0 0 0``) stays figures; and a message
that reads just as well as figures with their 总计 (``一 0 0 0 0 0 1``) stays figures too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from report import texts
from report.layout import Block, Column, HeaderGroup, ReportFormat, Row, Table
from report.parsing import MAX_INPUT_CHARS, FigureError, parse_row, row_total

_NUMERALS = "一二三四五六七八九十"
_TOP = re.compile(r"^([一二三四五六七八九十]+)、")
_PAREN = re.compile(r"^（([一二三四五六七八九十]+)）")
_DOT = re.compile(r"^(\d+)\.")
_ITEM = re.compile(r"（([一二三四五六七八九十]+)）项")
# A typed code after NFKC: 三（三）5 → 三(三)5; every part optional but one.
_CODE = re.compile(
    r"^(?P<top>[一二三四五六七八九十]|\d{1,2})?[、.]?"
    r"(?:\((?P<paren>[一二三四五六七八九十]|\d{1,2})\))?"
    r"(?P<dot>\d{1,2}|[一二三四五六七八九十])?$"
)
_SPLIT = re.compile(r"[\s,，、；;|]+")
_MIN_SUFFIX = 4

Key = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class RowTarget:
    """A row a code can reach: the cells it enters, in order, as its row question asks them."""

    code: str
    table_id: str
    label: str
    cells: tuple[str, ...]
    columns: tuple[Column, ...]
    #: The computed 总计 of these columns, if any (a typed total is checked against it).
    total: Column | None

    @property
    def key(self) -> str:
        """The key of the row question that asks these cells (``row:<first cell>``)."""
        return f"row:{self.cells[0]}"


@dataclass(frozen=True)
class CodedRow:
    """A message read as a row code and the row's figures."""

    target: RowTarget
    figures: tuple[Decimal, ...]


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    return _NUMERALS.index(text) + 1


def _code_text(key: Key) -> str:
    top, paren, dot = key
    code = _NUMERALS[top - 1] if top else ""
    if paren:
        code += f"（{_NUMERALS[paren - 1]}）"
    if dot:
        code += str(dot)
    return code


def _label_key(labels: tuple[str, ...]) -> Key | None:
    top = paren = dot = None
    for label in labels:
        if m := _TOP.match(label):
            top = _number(m.group(1))
        elif m := _PAREN.match(label):
            paren = _number(m.group(1))
        elif m := _DOT.match(label):
            dot = int(m.group(1))
    return (top, paren, dot) if top is not None else None


@dataclass(frozen=True)
class _Targets:
    by_key: dict[Key, RowTarget]
    by_label: dict[str, RowTarget]


def _target(
    table: Table, block: Block, row: Row, columns: tuple[Column, ...], code: str, label: str
) -> RowTarget:
    return RowTarget(
        code=code,
        table_id=table.id,
        label=label,
        cells=tuple(block.cell_id(row, c) for c in columns),
        columns=columns,
        total=row_total(columns, block.columns),
    )


def _leaf_groups(node: HeaderGroup) -> list[HeaderGroup]:
    inner = [c for c in node.children if isinstance(c, HeaderGroup)]
    if not inner:
        return [node]
    return [leaf for child in inner for leaf in _leaf_groups(child)]


@cache
def _targets(fmt: ReportFormat) -> _Targets:
    by_key: dict[Key, RowTarget] = {}
    labelled: list[RowTarget] = []
    for section in fmt.sections:
        table = section.table
        if table is None:
            continue
        for block in table.blocks:
            columns = block.entered_columns
            if not block.rows[0].id:  # table 4: one unlabelled row, asked group by group
                row = block.rows[0]
                for header in block.header:
                    if not isinstance(header, HeaderGroup):
                        continue
                    for group in _leaf_groups(header):
                        ids = set(group.column_ids())
                        mine = tuple(c for c in columns if c.id in ids)
                        labelled.append(_target(table, block, row, mine, group.label, group.label))
                continue
            item = _ITEM.search(block.title or "")
            rows = block.entered_rows
            for position, row in enumerate(rows, start=1):
                if item is not None:
                    key: Key | None = (
                        section.number,
                        _number(item.group(1)),
                        position if len(rows) > 1 else None,
                    )
                else:
                    key = _label_key(row.labels)
                code = _code_text(key) if key else row.label
                target = _target(table, block, row, columns, code, row.label)
                if key is not None:
                    by_key[key] = target
                if item is not None:
                    labelled.append(target)
    by_label: dict[str, RowTarget] = {t.label: t for t in labelled}
    endings: dict[str, list[RowTarget]] = {}
    for target in labelled:
        for start in range(1, len(target.label) - _MIN_SUFFIX + 1):
            endings.setdefault(target.label[start:], []).append(target)
    for ending, targets in endings.items():
        if len(targets) == 1 and ending not in by_label:
            by_label[ending] = targets[0]
    return _Targets(by_key, by_label)


@cache
def row_targets(fmt: ReportFormat) -> tuple[RowTarget, ...]:
    """Every row a code reaches, in the format's order (for a row list or a help text)."""
    seen: dict[str, RowTarget] = {}
    targets = _targets(fmt)
    for target in (*targets.by_key.values(), *targets.by_label.values()):
        seen.setdefault(target.key, target)
    order = {c: i for i, c in enumerate(fmt.cells_by_id)}
    return tuple(sorted(seen.values(), key=lambda t: order[t.cells[0]]))


@cache
def targets_by_key(fmt: ReportFormat) -> dict[str, RowTarget]:
    """``row_targets`` by the key of the row question asking each (``RowTarget.key``)."""
    return {t.key: t for t in row_targets(fmt)}


def find_target(code: str, fmt: ReportFormat) -> RowTarget | None:
    """The row a typed code names (``三（三）5``, ``3(3)5``, ``四``, ``规章``), or None.

    A code of Arabic digits alone (``4``) is a figure, never a code."""
    token = unicodedata.normalize("NFKC", code).strip().rstrip("、.:：")
    if not token:
        return None
    targets = _targets(fmt)
    if token in targets.by_label:
        return targets.by_label[token]
    match = _CODE.match(token)
    if match is None or token.isdigit():
        return None
    parts = match.group("top", "paren", "dot")
    if not any(parts):
        return None
    key: Key = tuple(_number(p) if p else None for p in parts)  # type: ignore[assignment]
    if key in targets.by_key:
        return targets.by_key[key]
    if key[0] is None:  # （三）5 without its 三: only if one row answers to it
        found = [t for k, t in targets.by_key.items() if k[1:] == key[1:]]
        return found[0] if len(found) == 1 else None
    return None


def _split_code(first: str, fmt: ReportFormat) -> tuple[str, str] | None:
    """``三（一）25`` → (``三（一）``, ``25``): a code typed against its first figure."""
    token = unicodedata.normalize("NFKC", first)
    for end in range(len(token) - 1, 0, -1):
        head, tail = token[:end], token[end:]
        if tail[0].isdigit() and not head[-1].isdigit() and find_target(head, fmt):
            return head, tail
        if tail[0].isdigit() and head[-1].isdigit() and "(" in head and find_target(head, fmt):
            return head, tail
    return None


def read_row_code(text: str, fmt: ReportFormat) -> CodedRow | None:
    """A message read as a row code and that row's figures, or None when it is not one.

    It is one only when its first item names a row and exactly as many items follow as the
    row has figures. Raises ``FigureError`` (naming the row) when the code is clear but a
    figure is not.
    """
    if len(text) > MAX_INPUT_CHARS:
        return None
    items = [i for i in _SPLIT.split(unicodedata.normalize("NFKC", text).strip()) if i]
    if len(items) < 2:
        return None
    target = find_target(items[0], fmt)
    rest = items[1:]
    if target is None:
        split = _split_code(items[0], fmt)
        if split is None:
            return None
        target = find_target(split[0], fmt)
        rest = [split[1], *rest]
    if target is None or len(rest) != len(target.columns):
        return None
    if target.total is not None and _reads_as_figures_with_total(items, target):
        return None
    try:
        figures = parse_row(" ".join(rest), target.columns)
    except FigureError as error:
        raise FigureError(
            texts.ROW_CODE_REFUSED.format(
                code=target.code, label=target.label, message=error.message
            )
        ) from None
    return CodedRow(target, figures)


def _reads_as_figures_with_total(items: list[str], target: RowTarget) -> bool:
    """``一 0 0 0 0 0 1``: six figures and their 总计, the first in a Chinese numeral."""
    try:
        parse_row(" ".join(items), target.columns, target.total)
    except FigureError:
        return False
    return True
