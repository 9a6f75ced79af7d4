"""The report value: who, which year, which format, and what has been filled in so far."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from report.formats import FIRST_YEAR, format_for_year, get_format
from report.layout import ReportFormat

MAX_TEXT_CHARS = 20_000


class Report(BaseModel):
    """A (possibly partial) annual report.

    ``figures`` holds the cells that were entered, by cell id. Totals are computed, never stored,
    except when a report is read from a document: then its printed totals are kept here too so
    the rules can compare them with the computed ones. ``texts`` holds the narrative parts.
    """

    model_config = ConfigDict(frozen=False, validate_assignment=False)

    organisation: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=FIRST_YEAR, le=2100)
    format_id: str = ""
    figures: dict[str, Decimal] = Field(default_factory=dict)
    texts: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.format_id:
            self.format_id = format_for_year(self.year).id
        fmt = get_format(self.format_id)
        unknown = sorted(set(self.figures) - set(fmt.cells_by_id))
        if unknown:
            raise ValueError(f"cells not in the {fmt.id} format: {', '.join(unknown[:5])}")
        parts = {p.id for p in fmt.parts}
        unknown = sorted(set(self.texts) - parts)
        if unknown:
            raise ValueError(f"parts not in the {fmt.id} format: {', '.join(unknown[:5])}")
        return self

    @field_validator("texts")
    @classmethod
    def _text_size(cls, texts: dict[str, str]) -> dict[str, str]:
        for part_id, text in texts.items():
            if len(text) > MAX_TEXT_CHARS:
                raise ValueError(f"text of {part_id} is longer than {MAX_TEXT_CHARS} characters")
        return texts

    @property
    def format(self) -> ReportFormat:
        return get_format(self.format_id)

    def value(self, cell_id: str) -> Decimal | None:
        """The figure of a cell: entered, or for a total the sum of its addends once all are
        known (falling back to a printed total when they are not). None while unknown."""
        return ResolvedReport(self).value(cell_id)

    def computed_total(self, cell_id: str) -> Decimal | None:
        """The sum of a total cell's addends, or None if any of them is unknown."""
        return ResolvedReport(self).computed_total(cell_id)

    def is_known(self, cell_id: str) -> bool:
        return self.value(cell_id) is not None

    def missing_cells(self) -> list[str]:
        """Entered cells not filled in yet, in the format's order."""
        return [c.id for c in self.format.entered_cells if c.id not in self.figures]

    def with_figures(self, figures: dict[str, Decimal]) -> Report:
        """A copy with these figures set (a convenience for the dialog and tests)."""
        return self.model_copy(update={"figures": {**self.figures, **figures}})

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Report:
        return cls.model_validate_json(data)


class ResolvedReport:
    """A read-only view of a report that works out each total once.

    The rules read the same totals many times (三（七）总计 is the sum of 114 cells in the legacy
    format); this view memoises them for the duration of one check. It must not outlive a change
    to the report.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.format = report.format
        self.figures = report.figures
        self.texts = report.texts
        self.year = report.year
        self._values: dict[str, Decimal | None] = {}

    def value(self, cell_id: str) -> Decimal | None:
        """The figure of a cell (see ``Report.value``), each total worked out once."""
        try:
            return self._values[cell_id]
        except KeyError:
            pass
        addends = self.format.total_addends(cell_id)
        value = self.figures.get(cell_id)
        if addends is None:
            if cell_id not in self.format.cells_by_id:
                raise KeyError(cell_id)
        else:
            total = self._sum(addends)
            if total is not None:
                value = total
        self._values[cell_id] = value
        return value

    def computed_total(self, cell_id: str) -> Decimal | None:
        return self._sum(self.format.addends(cell_id))

    def _sum(self, addends: tuple[str, ...]) -> Decimal | None:
        total = Decimal(0)
        for addend in addends:
            value = self.value(addend)
            if value is None:
                return None
            total += value
        return total
