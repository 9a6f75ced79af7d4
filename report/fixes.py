"""Which row to re-enter to fix a broken identity: one ranking for the error message and /review.

Each open identity (the balance 一＋二＝三（七）＋四, a printed total, last year's carry-over,
a stock, a figure the narrative states) is linear in the entered cells: the left side minus the
right side is a signed sum of cells. For every row holding a cell of an open identity, the
correction is worked out (each cell changed by the difference the identities it is in ask of
it), applied to a copy of the report, and the rules are run again: a row whose correction
satisfies every open identity and breaks none ranks first.

When several rows fix everything alike (a missing 1 in one column can be added to any result
row), the tie is broken by what the clerk did and by likelihood: the rows just entered first
(the error showed up after them); then the rows the balance sends applications to (result rows
and 四) before those it takes them from (一 comes from the register, 二 from last year's
report; the split of results is where slips hide); then the rows holding most applications (one
left out most likely belongs with the many like it, and a row of zeros, entered with one tap,
least likely holds a slip); then the rows entered most recently; then the format's order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from report.layout import ReportFormat, RowRole
from report.rowcodes import RowTarget, row_targets
from report.rules import (
    Balance,
    NarrativeAgrees,
    PrintedTotal,
    Rule,
    SameAsLastYear,
    Severity,
    StockContinues,
    Violation,
    check,
    rules_for,
)
from report.values import Report

Terms = dict[str, int]


@dataclass(frozen=True)
class FixCandidate:
    """A row to re-enter, and what correcting it would do to the open problems."""

    target: RowTarget
    #: The corrected figures of the cells that change: (cell id, value), in the row's order.
    correction: tuple[tuple[str, Decimal], ...]
    #: How many of the open problems the correction satisfies, and how many it newly opens.
    fixed: int
    broken: int
    #: The problems it was asked about (to tell whether it fixes them all).
    open_count: int
    just_entered: bool

    @property
    def key(self) -> str:
        """The key of the row question to re-ask (``row:<first cell>``)."""
        return self.target.key

    @property
    def fixes_all(self) -> bool:
        return self.fixed == self.open_count and self.broken == 0


def _expand(fmt: ReportFormat, cell_id: str, sign: int, terms: Terms) -> None:
    if fmt.cell(cell_id).computed:
        for addend in fmt.addends(cell_id):
            _expand(fmt, addend, sign, terms)
    else:
        terms[cell_id] = terms.get(cell_id, 0) + sign


@cache
def _rules_by_key(fmt: ReportFormat) -> dict[str, Rule]:
    return {rule.key: rule for rule in rules_for(fmt)}


def identity_terms(fmt: ReportFormat, violation: Violation) -> Terms | None:
    """The entered cells of a violated identity with their signs (left side +1, right −1),
    or None for a problem that is not a linear identity (an outlier, an invalid figure)."""
    rule = _rules_by_key(fmt).get(violation.key)
    sides: tuple[tuple[tuple[str, ...], int], ...]
    if isinstance(rule, Balance):
        sides = ((rule.incoming, 1), (rule.outgoing, -1))
    elif isinstance(rule, PrintedTotal):
        # The printed total itself is an entered figure here (a document's); its addends may
        # be totals computed from their own addends.
        terms: Terms = {rule.total: 1}
        for addend in rule.addends:
            _expand(fmt, addend, -1, terms)
        return terms
    elif isinstance(rule, SameAsLastYear):
        sides = (((rule.this,), 1),)
    elif isinstance(rule, StockContinues):
        sides = (((rule.stock.cell.id,), 1), (rule.stock.added, -1), (rule.stock.removed, 1))
    elif isinstance(rule, NarrativeAgrees):
        sides = ((rule.wording.cells, -1),)
    else:
        return None
    terms = {}
    for cells, sign in sides:
        for cell in cells:
            _expand(fmt, cell, sign, terms)
    return {c: s for c, s in terms.items() if s}


def _difference(violation: Violation) -> Decimal | None:
    if violation.left.value is None or violation.right.value is None:
        return None
    return violation.left.value - violation.right.value


def _identity(violation: Violation) -> tuple[str, str]:
    return violation.key, violation.left.label


def rank_fix_rows(
    report: Report,
    violations: Sequence[Violation],
    just_entered: Collection[str] = (),
    *,
    recent: Sequence[str] = (),
    previous: Report | None = None,
) -> list[FixCandidate]:
    """The rows that could fix the open ``violations``, best first (see the module docstring).

    ``just_entered`` holds the row keys (``row:<first cell>``, as ``RowTarget.key``) of the
    rows the clerk has just entered: they are always in the list. ``recent`` holds row keys
    most recent first (the answers' order), to break ties; ``previous`` is last year's report,
    which the carry-over and stock identities read.
    """
    fmt = report.format
    solvable: list[tuple[Violation, Terms, Decimal]] = []
    for violation in violations:
        terms = identity_terms(fmt, violation)
        difference = _difference(violation)
        if terms and difference is not None:
            solvable.append((violation, terms, difference))
    involved = {cell for _, terms, _ in solvable for cell in terms}
    before = {_identity(v) for v in check(report, previous)}
    open_now = {_identity(v) for v, _, _ in solvable}
    position = {key: i for i, key in enumerate(recent)}
    sources = {
        cell for rule in rules_for(fmt) if isinstance(rule, Balance) for cell in rule.incoming
    }
    candidates: list[tuple[tuple[object, ...], FixCandidate]] = []
    for order, target in enumerate(row_targets(fmt)):
        mine = [c for c in target.cells if c in involved]
        if not mine and target.key not in just_entered:
            continue
        correction = _correction(report, target, solvable)
        fixed = broken = 0
        if correction:
            after = {_identity(v) for v in check(report.with_figures(dict(correction)), previous)}
            fixed = len(open_now - after)
            broken = len(after - before)
        candidate = FixCandidate(
            target=target,
            correction=correction,
            fixed=fixed,
            broken=broken,
            open_count=len(open_now),
            just_entered=target.key in just_entered,
        )
        size = sum((abs(report.figures.get(c, Decimal(0))) for c in target.cells), Decimal(0))
        rank = (
            -(fixed - broken),
            not candidate.just_entered,
            any(c in sources for c in target.cells),
            -size,
            position.get(target.key, len(position)),
            order,
        )
        candidates.append((rank, candidate))
    candidates.sort(key=lambda pair: pair[0])
    return [c for _, c in candidates if c.fixed or c.just_entered]


def _correction(
    report: Report, target: RowTarget, solvable: list[tuple[Violation, Terms, Decimal]]
) -> tuple[tuple[str, Decimal], ...]:
    """The row's cells changed so that as many open identities as possible hold.

    Each identity touching the row is given to one of its cells (an identity over the whole row,
    such as 办结…件 against 三（七）总计, could take the difference in any column): the cell
    the other identities ask the same change of, else the first that stays valid. A cell asked
    different changes takes the one most identities ask.
    """
    columns = dict(zip(target.cells, target.columns, strict=True))
    current = {c: report.figures[c] for c in target.cells if c in report.figures}

    def asked(cell: str, terms: Terms, difference: Decimal) -> Decimal:
        # Left − right = difference; a cell with sign s moves it by s × delta.
        return -difference * terms[cell]

    def valid(cell: str, delta: Decimal) -> bool:
        return current[cell] + delta >= 0 or columns[cell].signed

    given: dict[str, list[Decimal]] = {}
    for _, terms, difference in solvable:
        cells = [c for c in target.cells if c in terms and c in current]
        options = [(c, asked(c, terms, difference)) for c in cells]
        options = [(c, d) for c, d in options if valid(c, d)]
        if not options:
            continue

        def agreement(option: tuple[str, Decimal]) -> int:
            cell, delta = option
            return sum(1 for _, t, d in solvable if cell in t and asked(cell, t, d) == delta)

        cell, delta = max(options, key=agreement)  # max keeps the first of equals
        given.setdefault(cell, []).append(delta)
    changes = []
    for cell in target.cells:
        if cell in given:
            delta, _ = min(Counter(given[cell]).items(), key=lambda item: (-item[1], abs(item[0])))
            changes.append((cell, current[cell] + delta))
    return tuple(changes)


def may_offer_balance(report: Report, violations: Sequence[Violation]) -> bool:
    """Whether 按勾稽关系填入 may be offered on 四: never while an error that points at the
    result rows is open in an applicant column (balancing then would hide the slip in a result
    row behind a wrong 四, as the issue's clerk found)."""
    fmt = report.format
    result_cells = {
        block.cell_id(row, column)
        for table in fmt.tables
        for block in table.blocks
        for row in block.rows
        if row.role is RowRole.RESULT
        for column in block.entered_columns
    }
    for violation in violations:
        if violation.severity is not Severity.ERROR:
            continue
        terms = identity_terms(fmt, violation) or {}
        if result_cells & (set(terms) | set(violation.cells)):
            return False
    return True
