"""What was understood from a ledger, as values and as text ready for the chat or the terminal.

``summarise`` gives the column mapping, the wording mapping, the counts of table 三 as a compact
table, the rows skipped and why, the questions still open, last year's carry-over warning and,
when a report already has figures in table 三, the differences cell by cell.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from report import texts
from report.formats import APPLICANT_COLUMNS, get_format
from report.layout import ReportFormat
from report.ledger import ColumnMatch, Counting, Question, RowRef, explain, rows_text
from report.ledger import candidate_label as _candidate_label
from report.ledger_wording import Role
from report.parsing import format_figure
from report.rules import Violation, check
from report.values import Report


@dataclass(frozen=True)
class CountRow:
    """One row of table 三 as counted: its label, total and the count per applicant column."""

    row_id: str
    label: str
    total: int
    by_column: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CellDifference:
    """A cell of table 三 whose figure in the report differs from the ledger's count."""

    cell_id: str
    label: str
    current: Decimal | None
    counted: int


@dataclass(frozen=True)
class LedgerSummary:
    """Everything the clerk is shown about a counted ledger."""

    counting: Counting
    rows: tuple[CountRow, ...]
    skipped: tuple[tuple[str, tuple[RowRef, ...]], ...]
    carry_warnings: tuple[Violation, ...]
    differences: tuple[CellDifference, ...]
    has_figures: bool
    #: The year most of the ledger's applications were received in and how many, when that is
    #: not the year counted (a ledger of another year than the report being filled).
    other_year: tuple[int, int] | None = None

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.counting.questions


def count_rows(counting: Counting) -> tuple[CountRow, ...]:
    """Table 三 as counted, one entry per row (entered rows and 三's total), columns in order."""
    fmt = get_format(counting.format_id)
    block = fmt.table("applications").blocks[0]
    figures = counting_figures(counting)
    out: list[CountRow] = []
    for row in block.rows:
        by_column = tuple(
            (c.id, int(figures.value(block.cell_id(row, c)) or 0)) for c in APPLICANT_COLUMNS
        )
        out.append(
            CountRow(
                row.id,
                " ".join(row.labels[1:]) or row.label,
                sum(n for _, n in by_column),
                by_column,
            )
        )
    return tuple(out)


def counting_figures(counting: Counting) -> Report:
    """The counts as a report (placeholder organisation), for its totals and the rules."""
    figures = {c: Decimal(n) for c, n in counting.figures.items()}
    return Report(
        organisation=texts.LEDGER_ROLE_NAMES["applicant"],
        year=counting.year,
        format_id=counting.format_id,
        figures=figures,
    )


def ledger_year(counting: Counting) -> tuple[int, int] | None:
    """The year most of the ledger's applications were received in (the later one on a tie)
    and how many, when it is not the year counted; None when it is, or nothing was read."""
    years = Counter(app.received.year for app in counting.ledger.applications)
    if not years:
        return None
    year, count = max(years.items(), key=lambda item: (item[1], item[0]))
    return None if year == counting.year else (year, count)


def differences(counting: Counting, report: Report) -> tuple[CellDifference, ...]:
    """The entered cells of table 三 that ``report`` has a figure for and the ledger counts
    differently, in the format's order."""
    if not counting.complete:
        return ()
    fmt = get_format(counting.format_id)
    found: list[CellDifference] = []
    for cell_id, counted in counting.figures.items():
        current = report.figures.get(cell_id)
        if current is not None and current != counted:
            found.append(CellDifference(cell_id, _cell_label(fmt, cell_id), current, counted))
    return tuple(found)


def _cell_label(fmt: ReportFormat, cell_id: str) -> str:
    cell = fmt.cell(cell_id)
    return f"{' '.join(cell.row.labels[1:]) or cell.row.label}·{cell.column.name}"


def summarise(
    counting: Counting, *, report: Report | None = None, previous: Report | None = None
) -> LedgerSummary:
    """What was understood, the counts, and (given the report being filled and last year's)
    the differences from table 三's figures and the carry-over warning."""
    by_reason: dict[str, list[RowRef]] = defaultdict(list)
    for skipped in counting.skipped:
        by_reason[skipped.reason].append(skipped.row)
    warnings: tuple[Violation, ...] = ()
    if counting.complete and previous is not None:
        warnings = tuple(
            v for v in check(counting_figures(counting), previous) if v.kind == "carry_over"
        )
    has_figures = report is not None and any(c in report.figures for c in counting.figures)
    return LedgerSummary(
        counting=counting,
        rows=count_rows(counting) if counting.complete else (),
        skipped=tuple((reason, tuple(rows)) for reason, rows in by_reason.items()),
        carry_warnings=warnings,
        differences=differences(counting, report) if report is not None else (),
        has_figures=has_figures,
        other_year=ledger_year(counting),
    )


def column_lines(columns: tuple[ColumnMatch, ...]) -> list[str]:
    """One line per column found: its role, letter and header."""
    several = len({c.sheet for c in columns}) > 1
    lines = []
    for column in columns:
        template = texts.LEDGER_COLUMN_SHEET if several else texts.LEDGER_COLUMN
        lines.append(
            template.format(
                role=texts.LEDGER_ROLE_NAMES[column.role],
                sheet=column.sheet,
                letter=column.letter,
                header=column.header.replace("\n", ""),
            )
        )
    return lines


def question_text(counting: Counting, question: Question) -> str:
    """The question for one unmapped wording (its candidates are ``question.candidates``)."""
    template = (
        texts.LEDGER_QUESTION_APPLICANT
        if question.kind is Role.APPLICANT
        else texts.LEDGER_QUESTION_OUTCOME
    )
    return template.format(value=question.value, rows=rows_text(question.rows, limit=5))


def candidate_label(counting: Counting, question: Question, target: str) -> str:
    """How one candidate answer of a question is shown (a column name or a row label)."""
    return _candidate_label(get_format(counting.format_id), question.kind, target)


def summary_lines(
    summary: LedgerSummary, *, with_candidates: bool = True, other_year: str = ""
) -> list[str]:
    """The summary as lines of Chinese text (what the CLI prints and the chat shows); the
    chat, which offers the candidates as buttons, leaves them out of the text. The heading
    names the report year counted; a ledger mostly of another year says so, followed by
    ``other_year`` (how to count it for that year, in the caller's words; ``{year}``)."""
    counting = summary.counting
    fmt = get_format(counting.format_id)
    lines = [texts.LEDGER_HEADING.format(year=counting.year)]
    if summary.other_year is not None:
        found, count = summary.other_year
        lines.append(
            texts.LEDGER_OTHER_YEAR.format(ledger_year=found, count=count, year=counting.year)
            + other_year.format(year=found)
        )
    lines.append(texts.LEDGER_COLUMNS_HEADING)
    lines += column_lines(counting.ledger.columns)
    lines.append(
        texts.LEDGER_READ.format(
            applications=len(counting.ledger.applications),
            counted=counting.counted_rows,
            year=counting.year,
        )
    )
    if counting.mappings:
        lines.append(texts.LEDGER_MAPPINGS_HEADING)
        for mapped in counting.mappings:
            lines.append(
                texts.LEDGER_MAPPING.format(
                    value=mapped.value,
                    target=_candidate_label(fmt, mapped.kind, mapped.target),
                    rows=mapped.rows,
                    by=texts.LEDGER_BY_REMEMBERED
                    if mapped.by == "remembered"
                    else texts.LEDGER_BY_DECLARED,
                )
            )
    if summary.questions:
        lines.append(texts.LEDGER_QUESTIONS_HEADING.format(count=len(summary.questions)))
        for question in summary.questions:
            lines.append(f"  {question_text(counting, question)}")
            if with_candidates:
                names = "、".join(
                    candidate_label(counting, question, c) for c in question.candidates
                )
                lines.append(texts.LEDGER_CANDIDATES.format(names=names))
    else:
        lines.append(texts.LEDGER_COUNTS_HEADING)
        lines += count_lines(summary.rows)
    if summary.skipped:
        lines.append(texts.LEDGER_SKIPPED_HEADING)
        lines += [
            texts.LEDGER_SKIPPED.format(rows=rows_text(rows), reason=reason)
            for reason, rows in summary.skipped
        ]
    lines += [
        texts.LEDGER_CARRY_WARNING.format(message=v.describe()) for v in summary.carry_warnings
    ]
    if summary.has_figures:
        lines += difference_lines(summary.differences)
    return lines


def count_lines(rows: tuple[CountRow, ...]) -> list[str]:
    """The compact table: each row with a count, its total and its non-zero columns."""
    names = {c.id: c.name for c in APPLICANT_COLUMNS}
    lines = []
    for row in rows:
        if not row.total:
            continue
        parts = [
            texts.LEDGER_COUNT_PART.format(name=names[c], count=n) for c, n in row.by_column if n
        ]
        detail = texts.LEDGER_COUNT_DETAIL.format(parts="，".join(parts))
        lines.append(
            texts.LEDGER_COUNT_LINE.format(label=row.label, total=row.total, detail=detail)
        )
    return lines or [texts.LEDGER_ALL_ZERO]


def difference_lines(found: tuple[CellDifference, ...]) -> list[str]:
    """The differences from table 三's figures, one line each (or that there are none)."""
    if not found:
        return [texts.LEDGER_NO_DIFFERENCES]
    lines = [texts.LEDGER_DIFFERENCES_HEADING.format(count=len(found))]
    lines += [
        texts.LEDGER_DIFFERENCE.format(
            label=d.label,
            current=format_figure(d.current) if d.current is not None else texts.LEDGER_NOT_FILLED,
            counted=d.counted,
        )
        for d in found
    ]
    return lines


def explain_text(counting: Counting, cell_id: str) -> str:
    """Which ledger rows make up one cell of table 三 (KeyError for a cell not in table 三)."""
    rows = explain(counting, cell_id)
    label = _cell_label(get_format(counting.format_id), cell_id)
    if not rows:
        return texts.LEDGER_EXPLAIN_NONE.format(label=label)
    return texts.LEDGER_EXPLAIN.format(label=label, count=len(rows), rows=rows_text(rows, limit=50))
