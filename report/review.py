"""Review and sign-off of a report by the office above, as data and pure functions.

A report with a supervisor goes 填报中 -> 待审核 -> 已退回 / 已通过. Each step is one entry of
``TRANSITIONS`` ((status, event) -> new status, h11-style); who may take it is ``ACTOR_OF``; and
``next_status`` refuses anything else with a typed ``Refusal`` that names the state it happened
in. Comments are pinned to a ``Place`` (a cell, a row or a narrative part, by the ids the format
declares); ``diff_reports`` says what changed between two versions, cell by cell; and
``far_from_last_year`` lists the figures a county office looks at before it publishes.
No I/O here: the store gathers the facts (``ReviewContext``) and records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from report import texts
from report.formats import APPEAL_GROUPS
from report.layout import Cell, ReportFormat
from report.values import Report


class ReviewStatus(StrEnum):
    """Where a report is in its review."""

    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        """填报中 / 待审核 / 已退回 / 已通过."""
        return texts.REVIEW_STATUS_LABELS[self.value]


class ReviewEvent(StrEnum):
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    #: The clerk takes a submitted report back before it is reviewed (to correct it).
    WITHDRAW = "withdraw"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return texts.REVIEW_EVENT_LABELS[self.value]


class Actor(StrEnum):
    """How the person acting stands to the report's office."""

    #: A clerk or administrator of the office itself.
    FILLER = "filler"
    #: A supervisor of an office above it.
    SUPERVISOR = "supervisor"
    #: Neither.
    OUTSIDER = "outsider"


class Refusal(StrEnum):
    """Why a review step does not apply; ``texts.REVIEW_REFUSALS`` words each one."""

    NOT_YOUR_OFFICE = "not_your_office"
    ONLY_SUPERVISOR = "only_supervisor"
    ONLY_FILLER = "only_filler"
    NO_SUPERVISOR = "no_supervisor"
    ALREADY_SUBMITTED = "already_submitted"
    ALREADY_APPROVED = "already_approved"
    APPROVED_NEEDS_REOPEN = "approved_needs_reopen"
    APPROVED_LOCKED = "approved_locked"
    NOT_SUBMITTED = "not_submitted"
    NOT_APPROVED = "not_approved"
    WRONG_STATE = "wrong_state"
    INCOMPLETE = "incomplete"
    OPEN_ERRORS = "open_errors"
    UNACCEPTED_WARNINGS = "unaccepted_warnings"
    NO_COMMENT = "no_comment"


TRANSITIONS: dict[tuple[ReviewStatus, ReviewEvent], ReviewStatus] = {
    (ReviewStatus.DRAFTING, ReviewEvent.SUBMIT): ReviewStatus.SUBMITTED,
    (ReviewStatus.SUBMITTED, ReviewEvent.WITHDRAW): ReviewStatus.DRAFTING,
    (ReviewStatus.SUBMITTED, ReviewEvent.RETURN): ReviewStatus.RETURNED,
    (ReviewStatus.SUBMITTED, ReviewEvent.APPROVE): ReviewStatus.APPROVED,
    (ReviewStatus.RETURNED, ReviewEvent.RESUBMIT): ReviewStatus.SUBMITTED,
    (ReviewStatus.APPROVED, ReviewEvent.REOPEN): ReviewStatus.DRAFTING,
}

ACTOR_OF: dict[ReviewEvent, Actor] = {
    ReviewEvent.SUBMIT: Actor.FILLER,
    ReviewEvent.RESUBMIT: Actor.FILLER,
    ReviewEvent.WITHDRAW: Actor.FILLER,
    ReviewEvent.RETURN: Actor.SUPERVISOR,
    ReviewEvent.APPROVE: Actor.SUPERVISOR,
    ReviewEvent.REOPEN: Actor.SUPERVISOR,
}

#: The steps that hand the report to the supervisor: the report must be ready for it.
_HANDING_IN = (ReviewEvent.SUBMIT, ReviewEvent.RESUBMIT)

#: While a report waits for review or is approved, nobody writes to it.
LOCKED = frozenset({ReviewStatus.SUBMITTED, ReviewStatus.APPROVED})

#: The refusal of a step the table has no entry for, by (status, event); else WRONG_STATE.
_OUT_OF_TURN: dict[tuple[ReviewStatus, ReviewEvent], Refusal] = {
    (ReviewStatus.APPROVED, ReviewEvent.APPROVE): Refusal.ALREADY_APPROVED,
    (ReviewStatus.APPROVED, ReviewEvent.RETURN): Refusal.APPROVED_NEEDS_REOPEN,
    (ReviewStatus.APPROVED, ReviewEvent.SUBMIT): Refusal.APPROVED_LOCKED,
    (ReviewStatus.APPROVED, ReviewEvent.RESUBMIT): Refusal.APPROVED_LOCKED,
    (ReviewStatus.APPROVED, ReviewEvent.WITHDRAW): Refusal.APPROVED_LOCKED,
    (ReviewStatus.SUBMITTED, ReviewEvent.SUBMIT): Refusal.ALREADY_SUBMITTED,
    (ReviewStatus.SUBMITTED, ReviewEvent.RESUBMIT): Refusal.ALREADY_SUBMITTED,
    (ReviewStatus.DRAFTING, ReviewEvent.APPROVE): Refusal.NOT_SUBMITTED,
    (ReviewStatus.DRAFTING, ReviewEvent.RETURN): Refusal.NOT_SUBMITTED,
    (ReviewStatus.DRAFTING, ReviewEvent.WITHDRAW): Refusal.NOT_SUBMITTED,
    (ReviewStatus.RETURNED, ReviewEvent.APPROVE): Refusal.NOT_SUBMITTED,
    (ReviewStatus.RETURNED, ReviewEvent.RETURN): Refusal.NOT_SUBMITTED,
    (ReviewStatus.RETURNED, ReviewEvent.WITHDRAW): Refusal.NOT_SUBMITTED,
    (ReviewStatus.DRAFTING, ReviewEvent.REOPEN): Refusal.NOT_APPROVED,
    (ReviewStatus.SUBMITTED, ReviewEvent.REOPEN): Refusal.NOT_APPROVED,
    (ReviewStatus.RETURNED, ReviewEvent.REOPEN): Refusal.NOT_APPROVED,
}


@dataclass(frozen=True)
class ReviewContext:
    """The facts a step depends on, gathered by the caller."""

    actor: Actor
    #: Whether anyone supervises the office (an office with no supervisor is never reviewed).
    has_supervisor: bool = True
    #: Entered cells still empty.
    missing: int = 0
    #: Keys of the rule errors still open.
    open_errors: tuple[str, ...] = ()
    #: Keys of the warnings not accepted with a reason.
    unaccepted_warnings: tuple[str, ...] = ()
    #: Comments given with a return.
    comments: int = 0


class TransitionRefused(Exception):
    """A review step that does not apply: why, in which state, and a Chinese sentence."""

    def __init__(
        self, reason: Refusal, status: ReviewStatus, event: ReviewEvent, count: int = 0
    ) -> None:
        self.reason = reason
        self.status = status
        self.event = event
        self.count = count
        self.message = texts.REVIEW_REFUSALS[reason.value].format(status=status.label, count=count)
        super().__init__(self.message)


def refusal(
    status: ReviewStatus, event: ReviewEvent, context: ReviewContext
) -> tuple[Refusal, int] | None:
    """Why ``event`` may not happen now (with a count for the message), or None if it may."""
    if context.actor is Actor.OUTSIDER:
        return Refusal.NOT_YOUR_OFFICE, 0
    if context.actor is not ACTOR_OF[event]:
        only = (
            Refusal.ONLY_SUPERVISOR if ACTOR_OF[event] is Actor.SUPERVISOR else Refusal.ONLY_FILLER
        )
        return only, 0
    if event in _HANDING_IN and not context.has_supervisor:
        return Refusal.NO_SUPERVISOR, 0
    if (status, event) not in TRANSITIONS:
        return _OUT_OF_TURN.get((status, event), Refusal.WRONG_STATE), 0
    if event in _HANDING_IN:
        if context.missing:
            return Refusal.INCOMPLETE, context.missing
        if context.open_errors:
            return Refusal.OPEN_ERRORS, len(context.open_errors)
        if context.unaccepted_warnings:
            return Refusal.UNACCEPTED_WARNINGS, len(context.unaccepted_warnings)
    if event is ReviewEvent.RETURN and context.comments < 1:
        return Refusal.NO_COMMENT, 0
    return None


def next_status(status: ReviewStatus, event: ReviewEvent, context: ReviewContext) -> ReviewStatus:
    """The status after ``event``; raises TransitionRefused when it does not apply."""
    refused = refusal(status, event, context)
    if refused is not None:
        raise TransitionRefused(refused[0], status, event, refused[1])
    return TRANSITIONS[(status, event)]


def hand_in_event(status: ReviewStatus) -> ReviewEvent:
    """What pressing "submit" means now: a resubmission after a return, else a submission."""
    return ReviewEvent.RESUBMIT if status is ReviewStatus.RETURNED else ReviewEvent.SUBMIT


# ---------------------------------------------------------------------------------------------
# Where a comment is pinned
# ---------------------------------------------------------------------------------------------


class PlaceKind(StrEnum):
    CELL = "cell"
    #: A row of a table; its id is ``<table id>/<row id>`` (table 4's one row has id "").
    ROW = "row"
    PART = "part"


@dataclass(frozen=True)
class Place:
    """A cell, a row or a narrative part of a report, by the ids its format declares."""

    kind: PlaceKind
    id: str

    @property
    def key(self) -> str:
        """``cell:<cell id>``, ``row:<table>/<row>`` or ``part:<part id>`` (stored as is)."""
        return f"{self.kind.value}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> Place:
        kind, _, place_id = key.partition(":")
        return cls(PlaceKind(kind), place_id)

    @classmethod
    def cell(cls, cell_id: str) -> Place:
        return cls(PlaceKind.CELL, cell_id)

    @classmethod
    def row(cls, table_id: str, row_id: str) -> Place:
        return cls(PlaceKind.ROW, f"{table_id}/{row_id}")

    @classmethod
    def part(cls, part_id: str) -> Place:
        return cls(PlaceKind.PART, part_id)


def _row_cells(fmt: ReportFormat, place: Place) -> tuple[Cell, ...]:
    table_id, _, row_id = place.id.partition("/")
    try:
        table = fmt.table(table_id)
    except StopIteration:
        raise ValueError(f"{place.key} is not a row of the {fmt.id} format") from None
    cells = tuple(c for c in table.cells if c.row.id == row_id)
    if not cells:
        raise ValueError(f"{place.key} is not a row of the {fmt.id} format")
    return cells


def check_place(fmt: ReportFormat, place: Place) -> None:
    """Raise ValueError unless ``place`` is a cell, row or part of ``fmt``."""
    if place.kind is PlaceKind.CELL and place.id not in fmt.cells_by_id:
        raise ValueError(f"{place.key} is not a cell of the {fmt.id} format")
    if place.kind is PlaceKind.ROW:
        _row_cells(fmt, place)
    if place.kind is PlaceKind.PART and place.id not in {p.id for p in fmt.parts}:
        raise ValueError(f"{place.key} is not a part of the {fmt.id} format")


def place_label(fmt: ReportFormat, place: Place) -> str:
    """How a person knows the place: ``表三：（一）予以公开``, a cell's label, a part's title."""
    check_place(fmt, place)
    if place.kind is PlaceKind.CELL:
        return fmt.cell(place.id).label
    if place.kind is PlaceKind.ROW:
        first = _row_cells(fmt, place)[0]
        if not first.row.label:
            return texts.PLACE_WHOLE_TABLE.format(table=first.table.title)
        return texts.PLACE_ROW.format(table=first.table.title, row=first.row.label)
    for section in fmt.sections:
        for part in section.parts:
            if part.id == place.id:
                return part.title or section.heading
    raise AssertionError(place.key)  # pragma: no cover - check_place ruled it out


def _entered_under(fmt: ReportFormat, cell_id: str, into: set[str]) -> None:
    if cell_id in into:
        return
    into.add(cell_id)
    if fmt.cell(cell_id).computed:
        for addend in fmt.row_addends(cell_id) + fmt.column_addends(cell_id):
            _entered_under(fmt, addend, into)


def place_cells(fmt: ReportFormat, place: Place) -> frozenset[str]:
    """The cells whose change answers a comment on ``place``: the cell (or row) itself and,
    for a total, every figure it adds up. Empty for a narrative part."""
    check_place(fmt, place)
    found: set[str] = set()
    if place.kind is PlaceKind.CELL:
        _entered_under(fmt, place.id, found)
    elif place.kind is PlaceKind.ROW:
        for cell in _row_cells(fmt, place):
            _entered_under(fmt, cell.id, found)
    return frozenset(found)


def is_answered_by(
    fmt: ReportFormat,
    place: Place,
    cells: frozenset[str] | set[str],
    parts: frozenset[str] | set[str],
) -> bool:
    """Whether changing ``cells`` and ``parts`` answers a comment on ``place``."""
    if place.kind is PlaceKind.PART:
        return place.id in parts
    return not place_cells(fmt, place).isdisjoint(cells)


# ---------------------------------------------------------------------------------------------
# What changed, and what is far from last year
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One cell (or part) whose value differs between two versions of a report."""

    place: Place
    label: str
    before: Decimal | str | None
    after: Decimal | str | None
    #: A total that changed because its addends did.
    computed: bool = False


def diff_reports(before: Report, after: Report) -> tuple[Change, ...]:
    """What changed from ``before`` to ``after``, cell by cell in the format's order (totals
    included, marked computed), then part by part. Cells of ``after``'s format only."""
    fmt = after.format
    changes: list[Change] = []
    for table in fmt.tables:
        for cell in table.cells:
            old = before.value(cell.id) if cell.id in before.format.cells_by_id else None
            new = after.value(cell.id)
            if old != new:
                changes.append(
                    Change(Place.cell(cell.id), cell.label, old, new, computed=cell.computed)
                )
    for part in fmt.parts:
        old_text, new_text = before.texts.get(part.id), after.texts.get(part.id)
        if (old_text or "") != (new_text or ""):
            place = Place.part(part.id)
            changes.append(Change(place, place_label(fmt, place), old_text, new_text))
    return tuple(changes)


#: "Far from last year": at least doubled or at most halved (from 0: any rise) ...
FAR_RATIO = Decimal(2)
#: ... and at least this many units apart, so 1 -> 3 applications is not called far.
FAR_MIN_DIFFERENCE = Decimal(10)


@dataclass(frozen=True)
class FarFigure:
    cell_id: str
    label: str
    now: Decimal
    last_year: Decimal


def is_far(now: Decimal, last_year: Decimal) -> bool:
    """Whether a figure is far from last year's: at least ``FAR_RATIO`` times it or at most
    ``1 / FAR_RATIO`` of it, and at least ``FAR_MIN_DIFFERENCE`` away."""
    if abs(now - last_year) < FAR_MIN_DIFFERENCE:
        return False
    return now >= last_year * FAR_RATIO or now * FAR_RATIO <= last_year


def far_from_last_year(report: Report, previous: Report | None) -> tuple[FarFigure, ...]:
    """Every figure (totals included) far from the same cell of last year's report, in the
    format's order; signed changes (本年增/减) are not figures of their own and are left out."""
    if previous is None:
        return ()
    found: list[FarFigure] = []
    for table in report.format.tables:
        for cell in table.cells:
            if cell.column.signed or cell.id not in previous.format.cells_by_id:
                continue
            now, before = report.value(cell.id), previous.value(cell.id)
            if now is not None and before is not None and is_far(now, before):
                found.append(FarFigure(cell.id, cell.label, now, before))
    return tuple(found)


#: The totals a supervisor sees first when a report is handed in.
MAIN_TOTALS: tuple[str, ...] = (
    "applications.new.total",
    "applications.carried_over.total",
    "applications.results_total.total",
    "applications.carried_forward.total",
    *(f"{group}.total" for group, _ in APPEAL_GROUPS),
)


@dataclass(frozen=True)
class TotalAgainstLastYear:
    cell_id: str
    label: str
    now: Decimal | None
    last_year: Decimal | None

    @property
    def far(self) -> bool:
        return (
            self.now is not None and self.last_year is not None and is_far(self.now, self.last_year)
        )


def main_totals(report: Report, previous: Report | None) -> tuple[TotalAgainstLastYear, ...]:
    """The report's main totals (applications and appeals) beside last year's."""
    rows = []
    for cell_id in MAIN_TOTALS:
        last = None
        if previous is not None and cell_id in previous.format.cells_by_id:
            last = previous.value(cell_id)
        label = report.format.cell(cell_id).label
        rows.append(TotalAgainstLastYear(cell_id, label, report.value(cell_id), last))
    return tuple(rows)


# ---------------------------------------------------------------------------------------------
# Who is reminded
# ---------------------------------------------------------------------------------------------


class Audience(StrEnum):
    """Who a reminder about a report goes to, by its review status."""

    FILLERS = "fillers"
    SUPERVISORS = "supervisors"
    NOBODY = "nobody"


REMINDED: dict[ReviewStatus, Audience] = {
    ReviewStatus.DRAFTING: Audience.FILLERS,
    ReviewStatus.RETURNED: Audience.FILLERS,
    ReviewStatus.SUBMITTED: Audience.SUPERVISORS,
    ReviewStatus.APPROVED: Audience.NOBODY,
}


def reminded(status: ReviewStatus) -> Audience:
    """Reminders stop once a report is approved and go to the supervisor while it waits."""
    return REMINDED[status]


def marked_draft(status: ReviewStatus, has_supervisor: bool) -> bool:
    """Whether an export carries the draft mark for review reasons: a reviewed office's report
    is a draft until it is approved (an office without a supervisor finishes as before)."""
    return has_supervisor and status is not ReviewStatus.APPROVED


# ---------------------------------------------------------------------------------------------
# The evidence a county office wants before it publishes (the review appendix)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AcceptedWarning:
    """A warning of the rules that a clerk looked at and accepted, and why."""

    description: str
    reason: str
    person: str
    at: datetime | None


@dataclass(frozen=True)
class SectionAuthors:
    """Who entered a section's figures or texts, and when it last changed."""

    heading: str
    people: tuple[str, ...]
    last_change: datetime | None


@dataclass(frozen=True)
class ReviewEvidence:
    """The review appendix of a report: accepted warnings, figures far from last year, who
    entered each section, and who approved it when."""

    status: ReviewStatus
    accepted: tuple[AcceptedWarning, ...]
    far: tuple[FarFigure, ...]
    authors: tuple[SectionAuthors, ...]
    approved_by: str | None = None
    approved_at: datetime | None = None
    #: False when there was no report of the year before to compare with.
    compared: bool = True
