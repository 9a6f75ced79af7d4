"""Every arithmetic rule of the report, declared as data and evaluated on partial reports.

Errors are the official identities (printed in table 3's corner note or implied by a 总计 cell);
warnings are the checks county offices make against last year's report and the narrative. A rule
is evaluated as soon as every cell it reads is known, so a clerk hears of a broken total the
moment the last figure of it is typed. ``rules_for(format)`` lists a format's rules in one place.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache, lru_cache

from pydantic import BaseModel, ConfigDict

from report import texts
from report.carry import Stock, stocks
from report.formats import APPEAL_GROUPS, APPLICANT_COLUMNS
from report.layout import Cell, ReportFormat, UnitKind
from report.narrative import WORDINGS, Stated, Wording, stated_figures
from report.parsing import format_figure
from report.values import Report, ResolvedReport

#: How a narrative part is named among the answers' targets (as in storage: ``text:<part id>``).
TEXT_TARGET = "text:"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Side(BaseModel):
    """One side of a broken rule: what it is, in Chinese, and its value (None: not a number)."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: Decimal | None = None


class Violation(BaseModel):
    """A rule that does not hold, with both sides' numbers and the cells to look at."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: str
    severity: Severity
    title: str
    left: Side
    right: Side
    cells: tuple[str, ...]

    def describe(self) -> str:
        """One Chinese sentence with both sides' numbers."""
        left = format_figure(self.left.value) if self.left.value is not None else "—"
        if self.right.value is None:
            return texts.VIOLATION_NO_NUMBER.format(
                title=self.title,
                left_label=self.left.label,
                left=left,
                right_label=self.right.label,
            )
        difference = (
            format_figure(abs(self.left.value - self.right.value))
            if self.left.value is not None
            else "—"
        )
        return texts.VIOLATION.format(
            title=self.title,
            left_label=self.left.label,
            left=left,
            right_label=self.right.label,
            right=format_figure(self.right.value),
            difference=difference,
        )


def _violation(
    rule: Rule, left: Side, right: Side, cells: tuple[str, ...] | None = None
) -> Violation:
    return Violation(
        key=rule.key,
        kind=rule.kind,
        severity=rule.severity,
        title=texts.RULE_TITLES[rule.kind],
        left=left,
        right=right,
        cells=cells if cells is not None else rule.cells,
    )


def _sum(report: Report, cells: tuple[str, ...]) -> Decimal | None:
    total = Decimal(0)
    for cell_id in cells:
        value = report.value(cell_id)
        if value is None:
            return None
        total += value
    return total


def _printed_or_value(report: Report, cells: tuple[str, ...]) -> Decimal | None:
    figures = report.figures
    total = Decimal(0)
    for cell_id in cells:
        value = figures.get(cell_id)
        if value is None:
            # Worked out only where nothing is printed (or typed).
            value = report.value(cell_id)
            if value is None:
                return None
        total += value
    return total


@lru_cache(maxsize=512)
def _stated(text: str) -> tuple[Stated, ...]:
    """``stated_figures``, read once per text: every check reads each part for each wording."""
    return tuple(stated_figures(text))


def _name(cell: Cell) -> str:
    return cell.label


# ---------------------------------------------------------------------------------------------
# Rule kinds
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule: its stable key, kind (see ``texts.RULE_TITLES``), severity and the cells it reads."""

    key: str
    kind: str
    severity: Severity
    cells: tuple[str, ...]

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        raise NotImplementedError


@dataclass(frozen=True)
class ValidFigures(Rule):
    """Every count is a whole number >= 0 (signed columns excepted); amounts >= 0.

    The parser already refuses such figures; this catches them in documents read from files.
    """

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        fmt = report.format
        for cell_id, value in report.figures.items():
            if value >= 0 and value == value.to_integral_value():
                continue  # fits every cell: most figures are
            cell = fmt.cell(cell_id)
            if value < 0 and not cell.column.signed:
                yield _violation(
                    self,
                    Side(label=_name(cell), value=value),
                    Side(label=texts.SIDE_NONNEGATIVE),
                    (cell_id,),
                )
            elif cell.unit.kind is UnitKind.COUNT and value != value.to_integral_value():
                yield _violation(
                    self,
                    Side(label=_name(cell), value=value),
                    Side(label=texts.SIDE_WHOLE),
                    (cell_id,),
                )


@dataclass(frozen=True)
class Balance(Rule):
    """R1: 一 + 二 = 三（七）总计 + 四, for one column of table 3.

    Every figure is taken as printed where a document has it (a printed （七）总计 or 总计 column
    cell, not the sum worked out from its rows), so a message quotes only cells the document
    prints, and a total column that does not balance is caught even when every applicant column
    does. A total the document leaves blank (or a typed report, which stores no totals) is worked
    out from its addends. Whether a printed total agrees with its own rows is the job of
    ``PrintedTotal``, which names that cell.
    """

    column_label: str
    incoming: tuple[str, str]
    outgoing: tuple[str, str]

    def remainder(self, report: Report) -> Decimal | None:
        """What the last outgoing cell must hold for the column to balance (一 + 二 − 三（七）);
        None while a figure it needs is unknown."""
        read = _printed_or_value
        left, taken = read(report, self.incoming), read(report, self.outgoing[:-1])
        return None if left is None or taken is None else left - taken

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        read = _printed_or_value
        left, right = read(report, self.incoming), read(report, self.outgoing)
        if left is not None and right is not None and left != right:
            yield _violation(
                self,
                Side(label=texts.BALANCE_LEFT.format(column=self.column_label), value=left),
                Side(label=texts.BALANCE_RIGHT, value=right),
            )


@dataclass(frozen=True)
class PrintedTotal(Rule):
    """R2/R3/R4: a total printed in a document equals the sum of what it adds up.

    Totals are computed, never asked, so this only fires on reports read from documents. The
    addends are taken as printed too (a printed sub-total, not the one worked out from its own
    addends), so the message cites only cells that appear in the document.
    """

    total: str
    addends: tuple[str, ...]

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        printed = report.figures.get(self.total)
        if printed is None:
            return  # a typed report prints no totals
        computed = _printed_or_value(report, self.addends)
        if computed is not None and printed != computed:
            fmt = report.format
            names = "、".join(
                dict.fromkeys(_addend_name(fmt.cell(a), fmt.cell(self.total)) for a in self.addends)
            )
            yield _violation(
                self,
                Side(
                    label=texts.SIDE_PRINTED_TOTAL.format(label=_name(fmt.cell(self.total))),
                    value=printed,
                ),
                Side(label=texts.SIDE_SUM.format(names=_clip_names(names)), value=computed),
            )


def _addend_name(addend: Cell, total: Cell) -> str:
    # Along a row the columns differ; down a column the rows do.
    return addend.column.label if addend.row is total.row else addend.row.label


def _clip_names(names: str, limit: int = 40) -> str:
    return names if len(names) <= limit else names[:limit] + "…等各项"


@dataclass(frozen=True)
class SameAsLastYear(Rule):
    """W1 / W4: a figure equals a figure (or a sum) of last year's report."""

    this: str
    last: tuple[str, ...]
    last_label: str

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        if previous is None or any(c not in previous.format.cells_by_id for c in self.last):
            return
        value, expected = report.value(self.this), _sum(previous, self.last)
        if value is not None and expected is not None and value != expected:
            yield _violation(
                self,
                Side(label=_name(report.format.cell(self.this)), value=value),
                Side(label=self.last_label, value=expected),
            )


@dataclass(frozen=True)
class StockContinues(Rule):
    """W2 / W4: a stock (现行有效件数, 上一年项目数量) follows from last year's report as its
    column declares (a warning: documents also expire without being repealed)."""

    stock: Stock

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        if previous is None or any(c not in previous.format.cells_by_id for c in self.stock.last):
            return
        now = report.value(self.stock.cell.id)
        expected = self.stock.expected(previous.value, report.value)
        if now is not None and expected is not None and now != expected:
            yield _violation(
                self,
                Side(label=_name(self.stock.cell), value=now),
                Side(label=texts.SIDE_STOCK[self.stock.kind], value=expected),
            )


@dataclass(frozen=True)
class Outlier(Rule):
    """W5: a figure ten times last year's, or a tenth of it, is confirmed rather than assumed."""

    cell: str
    ratio: Decimal = Decimal(10)
    floor: Decimal = Decimal(10)

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        if previous is None or self.cell not in previous.format.cells_by_id:
            return
        now, before = report.value(self.cell), previous.value(self.cell)
        if now is None or before is None:
            return
        up = before > 0 and now >= before * self.ratio and now >= self.floor
        down = before >= self.floor and now * self.ratio <= before
        if up or down:
            yield _violation(
                self,
                Side(label=_name(report.format.cell(self.cell)), value=now),
                Side(
                    label=texts.SIDE_LAST_YEAR_VALUE.format(value=format_figure(before)),
                    value=before,
                ),
            )


@dataclass(frozen=True)
class NarrativeAgrees(Rule):
    """W3: a figure the narrative states (``report.narrative.WORDINGS``) agrees with the tables.

    The first statement of the figure in each part is compared; a part may state it in
    several words (``收到…85件``, ``依申请公开85件``), each its own wording and rule.
    """

    wording: Wording

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        expected = _sum(report, self.wording.cells)
        if expected is None:
            return
        fmt = report.format
        for part in fmt.parts:
            stated = next(
                (s for s in _stated(report.texts.get(part.id, "")) if s.wording is self.wording),
                None,
            )
            if stated is None or stated.value == expected:
                continue
            table_label = "＋".join(_name(fmt.cell(c)) for c in self.wording.cells)
            yield _violation(
                self,
                Side(
                    label=texts.SIDE_TEXT.format(
                        part=part.title or texts.PART_LEAD, quote=_clip_names(stated.quote)
                    ),
                    value=stated.value,
                ),
                Side(label=texts.SIDE_TABLE.format(label=table_label), value=expected),
            )


@dataclass(frozen=True)
class NarrativeConsistent(Rule):
    """W3 for a figure only the text holds (主动公开…条): the parts that state it agree.

    Its violations name the two parts (``text:<part id>``) instead of cells.
    """

    wording: Wording

    def evaluate(self, report: Report, previous: Report | None) -> Iterator[Violation]:
        first: tuple[str, Stated] | None = None
        first_part = ""
        for part in report.format.parts:
            stated = next(
                (s for s in _stated(report.texts.get(part.id, "")) if s.wording is self.wording),
                None,
            )
            if stated is None:
                continue
            title = part.title or texts.PART_LEAD
            if first is None:
                first = (title, stated)
                first_part = part.id
            elif stated.value != first[1].value:
                yield _violation(
                    self,
                    Side(
                        label=texts.SIDE_TEXT.format(
                            part=first[0], quote=_clip_names(first[1].quote)
                        ),
                        value=first[1].value,
                    ),
                    Side(
                        label=texts.SIDE_TEXT.format(part=title, quote=_clip_names(stated.quote)),
                        value=stated.value,
                    ),
                    # The parts, named as the answers store them: no table cell is involved.
                    (f"{TEXT_TARGET}{first_part}", f"{TEXT_TARGET}{part.id}"),
                )
                return


# ---------------------------------------------------------------------------------------------
# The rules of each format
# ---------------------------------------------------------------------------------------------


def balance_remainders(report: Report) -> list[Decimal | None]:
    """四、结转下年度继续办理 as the balance rule gives it, per entered column (all None while
    any figure it needs is unknown)."""
    fmt = report.format
    entered = [
        r
        for r in rules_for(fmt)
        if isinstance(r, Balance) and not fmt.cells_by_id[r.outgoing[-1]].computed
    ]
    values = [r.remainder(report) for r in entered]
    return [None] * len(values) if None in values else values


def rule_number(fmt: ReportFormat, key: str) -> int:
    """The position of the rule with ``key`` among the format's rules (stable, for buttons)."""
    return next(i for i, r in enumerate(rules_for(fmt)) if r.key == key)


@cache
def rules_for(fmt: ReportFormat) -> tuple[Rule, ...]:
    """Every rule of a format, errors first, in a stable order."""
    rules: list[Rule] = [ValidFigures("valid", "valid", Severity.ERROR, ())]
    applications = fmt.table("applications").blocks[0]
    for column in (*APPLICANT_COLUMNS, applications.column("total")):
        incoming = (f"applications.new.{column.id}", f"applications.carried_over.{column.id}")
        outgoing = (
            f"applications.results_total.{column.id}",
            f"applications.carried_forward.{column.id}",
        )
        involved = (*incoming, *fmt.column_addends(outgoing[0]), outgoing[1])
        rules.append(
            Balance(
                f"balance.{column.id}",
                "balance",
                Severity.ERROR,
                involved,
                column.label,
                incoming,
                outgoing,
            )
        )
    for total in fmt.computed_cells:
        if total.column.computed:
            kind = "appeal_total" if total.table.id == "appeals" else "row_total"
            addends = fmt.row_addends(total.id)
            rules.append(
                PrintedTotal(
                    f"{kind}.{total.id}",
                    kind,
                    Severity.ERROR,
                    (total.id, *addends),
                    total.id,
                    addends,
                )
            )
        if total.row.computed:
            addends = fmt.column_addends(total.id)
            rules.append(
                PrintedTotal(
                    f"column_total.{total.id}",
                    "column_total",
                    Severity.ERROR,
                    (total.id, *addends),
                    total.id,
                    addends,
                )
            )
    # Warnings.
    for column in APPLICANT_COLUMNS:
        this, last = (
            f"applications.carried_over.{column.id}",
            f"applications.carried_forward.{column.id}",
        )
        rules.append(
            SameAsLastYear(
                f"carry_over.{column.id}",
                "carry_over",
                Severity.WARNING,
                (this,),
                this,
                (last,),
                texts.SIDE_LAST_YEAR.format(label=_name(fmt.cell(last))),
            )
        )
    for stock in stocks(fmt).values():
        row = stock.cell.row.id
        rules.append(
            StockContinues(
                f"{stock.kind}.{row}",
                stock.kind,
                Severity.WARNING,
                (stock.cell.id, *stock.added, *stock.removed),
                stock,
            )
        )
    for wording in WORDINGS:
        if wording.cells:
            rules.append(
                NarrativeAgrees(
                    f"narrative.{wording.id}", "narrative", Severity.WARNING, wording.cells, wording
                )
            )
        else:
            rules.append(
                NarrativeConsistent(
                    f"narrative.{wording.id}", "narrative", Severity.WARNING, (), wording
                )
            )
    for cell_id in _outlier_cells(fmt):
        rules.append(
            Outlier(f"outlier.{cell_id}", "outlier", Severity.WARNING, (cell_id,), cell_id)
        )
    return tuple(rules)


def _outlier_cells(fmt: ReportFormat) -> tuple[str, ...]:
    """The figures compared with last year: table 2's unsigned entries and the main totals."""
    disclosure = tuple(
        c.id for c in fmt.table("disclosure").cells if not c.computed and not c.column.signed
    )
    totals = ("applications.new.total", *(f"{group}.total" for group, _ in APPEAL_GROUPS))
    return disclosure + totals


def check(report: Report, previous: Report | None = None) -> list[Violation]:
    """Every violation in ``report`` (errors first), given last year's report if there is one.

    The balance of the 总计 column is implied by the balance of the six applicant columns; it
    is reported only when they all hold (a document whose printed totals are off).

    A check of a report that differs in a few figures from one checked just before, with the
    same figures last year, evaluates only the rules that read them (``Checked.recheck``, from
    the nearest such check): an answer checks its report before and after the row (the one
    before is the last answer's after, read again from storage), and ranking the fixes of an
    error checks each candidate correction.
    """
    nearest: tuple[int, Checked, set[str], bool] | None = None
    for earlier in recent_checks():
        if earlier.format_id != report.format_id or not earlier.same_previous(previous):
            continue
        limit = Checked.MAX_CHANGED if nearest is None else nearest[0] - 1
        changes = earlier.changes(report, limit)
        if changes is not None:
            nearest = (len(changes[0]), earlier, *changes)
            if len(changes[0]) <= Checked.NEAR:
                break  # near enough: comparing older checks costs more than it could save
    if nearest is not None:
        _, earlier, changed, texts_changed = nearest
        found = earlier.recheck(report, previous, changed, texts_changed)
    else:
        found = Checked.of(report, previous)
    _remember(found)
    return found.violations()


def _remember(checked: Checked) -> None:
    recent = recent_checks()
    if not recent or recent[0] is not checked:
        recent.appendleft(checked)


def _changed(mine: dict[str, Decimal], figures: dict[str, Decimal], limit: int) -> set[str] | None:
    """The cells whose figure differs between ``mine`` and ``figures`` (present in one only,
    or another value, or the same value written otherwise: 3 and 3.0 are quoted as written);
    None as soon as more than ``limit`` do."""
    changed: set[str] = set()
    for cell_id, value in figures.items():
        old = mine.get(cell_id)
        # The same object (a copy of the report made in this turn) is the common case.
        # compare_total is 0 only for the same digits and exponent (3 against 3.0 is not).
        if old is not value and (old is None or old != value or old.compare_total(value)):
            changed.add(cell_id)
            if len(changed) > limit:
                return None
    changed.update(c for c in mine if c not in figures)
    return None if len(changed) > limit else changed


class Checked:
    """One check's verdict rule by rule, with the figures and texts it was given and last
    year's figures.

    Immutable once made: it holds copies of the reports' dicts, so a report changed in place
    afterwards is simply a different report to it.
    """

    #: Beyond this many changed figures a whole check is as cheap as sorting out what to keep.
    MAX_CHANGED = 48
    #: A check this near (a row or two) is taken without looking for a nearer one.
    NEAR = 8

    def __init__(
        self,
        report: Report,
        previous: Report | None,
        found: tuple[tuple[Violation, ...], ...],
    ) -> None:
        self.format_id = report.format_id
        self.figures = dict(report.figures)
        self.texts = dict(report.texts)
        self.previous_format_id = previous.format_id if previous is not None else None
        self.previous_figures = dict(previous.figures) if previous is not None else None
        self.found = found

    @classmethod
    def of(cls, report: Report, previous: Report | None) -> Checked:
        """Every rule evaluated on ``report``."""
        view = ResolvedReport(report)
        last = ResolvedReport(previous) if previous is not None else None
        found = tuple(
            tuple(rule.evaluate(view, last))  # type: ignore[arg-type]
            for rule in rules_for(report.format)
        )
        return cls(report, previous, found)

    def same_previous(self, previous: Report | None) -> bool:
        """Whether ``previous`` holds the very figures last year's report held here (the
        rules read nothing else of it)."""
        if previous is None or self.previous_figures is None:
            return previous is None and self.previous_figures is None
        return (
            previous.format_id == self.previous_format_id
            and _changed(self.previous_figures, previous.figures, 0) is not None
        )

    def changes(self, report: Report, limit: int = MAX_CHANGED) -> tuple[set[str], bool] | None:
        """The figures of ``report`` that differ from those here (see ``_changed``) and
        whether a text differs; None when more than ``limit`` figures differ."""
        changed = _changed(self.figures, report.figures, limit)
        return None if changed is None else (changed, report.texts != self.texts)

    def recheck(
        self, report: Report, previous: Report | None, changed: set[str], texts_changed: bool
    ) -> Checked:
        """``report`` checked from this verdict, given its ``changes`` and the ``previous``
        this one was made with (``same_previous``): the rules reading a changed figure (or a
        text, when a text changed) are evaluated again, the others keep their verdict."""
        if not changed and not texts_changed:
            # Kept whole, with this turn's objects: the next check compares them by identity.
            return Checked(report, previous, self.found)
        view = ResolvedReport(report)
        last = ResolvedReport(previous) if previous is not None else None
        found = tuple(
            tuple(rule.evaluate(view, last))  # type: ignore[arg-type]
            if reads is None or (texts_changed and text) or not changed.isdisjoint(reads)
            else kept
            for rule, (reads, text), kept in zip(
                rules_for(report.format), _reads(report.format), self.found, strict=True
            )
        )
        return Checked(report, previous, found)

    def violations(self) -> list[Violation]:
        """The violations as ``check`` gives them."""
        found = [v for per_rule in self.found for v in per_rule]
        if any(v.kind == "balance" and v.key != "balance.total" for v in found):
            found = [v for v in found if v.key != "balance.total"]
        return sorted(found, key=lambda v: v.severity is not Severity.ERROR)


class _Recent(threading.local):
    def __init__(self) -> None:
        self.checks: deque[Checked] = deque(maxlen=4)


_recent = _Recent()


def recent_checks() -> deque[Checked]:
    """This thread's last few checks, newest first (a turn's checks follow one another; the
    reminders' planning thread checks other reports and keeps its own)."""
    return _recent.checks


@cache
def _reads(fmt: ReportFormat) -> tuple[tuple[frozenset[str] | None, bool], ...]:
    """Per rule of ``fmt``: every cell its verdict may depend on (a total with all it adds
    up), None for a rule that reads every figure; and whether it reads the narrative."""

    def close(cells: Iterable[str], into: set[str]) -> set[str]:
        for cell_id in cells:
            if cell_id not in into:
                into.add(cell_id)
                close(fmt.total_addends(cell_id) or (), into)
        return into

    found: list[tuple[frozenset[str] | None, bool]] = []
    for rule in rules_for(fmt):
        named: tuple[str, ...]
        match rule:
            case Balance():
                named = (*rule.incoming, *rule.outgoing)
            case PrintedTotal():
                named = (rule.total, *rule.addends)
            case SameAsLastYear():
                named = (rule.this,)
            case StockContinues():
                named = (rule.stock.cell.id, *rule.stock.added, *rule.stock.removed)
            case Outlier():
                named = (rule.cell,)
            case NarrativeAgrees():
                named = rule.wording.cells
            case NarrativeConsistent():
                named = ()
            case _:  # ValidFigures, and any rule not listed here: always evaluated
                found.append((None, True))
                continue
        text = isinstance(rule, NarrativeAgrees | NarrativeConsistent)
        found.append((frozenset(close((*rule.cells, *named), set())), text))
    return tuple(found)


def errors(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity is Severity.ERROR]


def warnings(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity is Severity.WARNING]
