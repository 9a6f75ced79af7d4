"""What reading a report document gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from report.values import Report


class DocumentRejected(Exception):
    """A file refused outright (not a report document, or hostile); ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentOverLimit(DocumentRejected):
    """A Word file over one of the reader's limits: ``what`` names it (``tables``, ``rows``,
    ``cells``, ``paragraphs``, ``depth``, ``nesting``), so that a reader that expected a
    ledger rather than a report can say so in its own words."""

    def __init__(self, message: str, what: str, limit: int) -> None:
        super().__init__(message)
        self.what = what
        self.limit = limit


class ProblemKind(StrEnum):
    #: A figure, row or table could not be read: the figures are incomplete.
    FIGURE = "figure"
    #: A heading or narrative part was not found.
    TEXT = "text"
    #: The title, the format or the closing was not as expected.
    DOCUMENT = "document"


@dataclass(frozen=True)
class ReadProblem:
    """Something in the document that could not be read, and where it is."""

    where: str
    message: str
    kind: ProblemKind = ProblemKind.FIGURE
    #: The cell it concerns, when it is one figure.
    cell_id: str | None = None

    def describe(self) -> str:
        return f"{self.where}：{self.message}"


@dataclass
class ReadResult:
    """A report read from a document, and everything that could not be read.

    ``organisation`` and ``year`` are what the title said (None when there was no title; the
    report then carries placeholders). ``format_id`` is the format recognised from the tables.
    """

    report: Report
    format_id: str
    problems: list[ReadProblem] = field(default_factory=list)
    organisation: str | None = None
    year: int | None = None
    issued: date | None = None
    signed_by: str | None = None
    draft: bool = False

    @property
    def figures_complete(self) -> bool:
        """True when every figure of every table was read."""
        return not any(p.kind is ProblemKind.FIGURE for p in self.problems)
