"""How far a report has got: what is missing and which errors are open. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from dialogs.plan import PartQuestion, RowQuestion, is_answered, plan_for
from report.rules import Severity, Violation, check
from report.values import Report


@dataclass(frozen=True)
class SectionGap:
    """What is still missing in one section."""

    heading: str
    parts: int
    rows: int
    other: int  # yes/no questions not yet settled


@dataclass(frozen=True)
class Completion:
    answered: int
    total: int
    gaps: tuple[SectionGap, ...]
    errors: tuple[Violation, ...]
    #: Index in the plan of the first unanswered question (None when everything is answered).
    first_gap: int | None

    @property
    def percent(self) -> int:
        return 100 * self.answered // self.total if self.total else 100

    @property
    def complete(self) -> bool:
        return self.first_gap is None and not self.errors


def completion(
    report: Report,
    previous: Report | None = None,
    accepted: dict[str, str] | None = None,
    gates: dict[str, bool] | None = None,
) -> Completion:
    """What is answered and what is missing, by section, and the open errors."""
    plan = plan_for(report.format)
    accepted = accepted or {}
    answered = [is_answered(q, report, gates or {}) for q in plan]
    gaps = []
    for section in report.format.sections:
        missing = [
            q for q, done in zip(plan, answered, strict=True) if q.section is section and not done
        ]
        if missing:
            gaps.append(
                SectionGap(
                    heading=section.heading,
                    parts=sum(isinstance(q, PartQuestion) for q in missing),
                    rows=sum(isinstance(q, RowQuestion) for q in missing),
                    other=sum(not isinstance(q, PartQuestion | RowQuestion) for q in missing),
                )
            )
    errors = tuple(
        v for v in check(report, previous) if v.severity is Severity.ERROR and v.key not in accepted
    )
    return Completion(
        answered=sum(answered),
        total=len(plan),
        gaps=tuple(gaps),
        errors=errors,
        first_gap=next((i for i, done in enumerate(answered) if not done), None),
    )


def add_up(organisation: str, year: int, reports: Iterable[Report]) -> Report:
    """Every entered figure summed over ``reports`` (of one year); a figure nobody entered stays
    unknown, and totals follow from the sums as in any report."""
    reports = list(reports)
    figures: dict[str, Decimal] = {}
    for report in reports:
        for cell_id, value in report.figures.items():
            if not report.format.cell(cell_id).computed:
                figures[cell_id] = figures.get(cell_id, Decimal(0)) + value
    return Report(organisation=organisation, year=year, figures=figures)
