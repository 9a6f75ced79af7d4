"""An application ledger (依申请公开台账) understood without a template, and counted into table 三.

``read_ledger`` takes the sheets of a ledger file as plain cell values (``exports.ledger_file``
reads them), finds the header row below any titles, the columns for applicant type, outcome,
date received and date answered by their wording (``report.ledger_wording``), and reads every
application; a ledger it cannot read raises ``LedgerError`` with a Chinese message.
``count_ledger`` counts it for one year into the entered cells of table 三, each count traceable
to its ledger rows; a wording it cannot map becomes a ``Question``, once per distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import TypeAdapter

from report import texts
from report.formats import APPLICANT_COLUMNS, get_format
from report.layout import ReportFormat
from report.ledger_wording import (
    HEADER_WORDING,
    Role,
    applicant_column,
    header_role,
    is_open,
    normalise,
    outcome_candidates,
    outcome_row,
    resolve_row,
    result_rows,
)

CellValue = str | int | float | bool | date | datetime | timedelta | None

#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS = 30
#: A ledger row is kept to this many characters when shown.
SHOWN_CHARS = 30
#: How many bad rows one message lists.
LISTED_ROWS = 5
_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_YEAR, _LAST_YEAR = 1990, 2100
_DATE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*[日号]?(?P<rest>.*)$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME_REST = re.compile(r"^[\d:：\s时分秒点上下午.T]*$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_BLANK = frozenset({"", "-", "--", "—", "——", "/", "／", "无", "暂无", "空"})

REQUIRED_ROLES = (Role.APPLICANT, Role.OUTCOME, Role.RECEIVED, Role.ANSWERED)


class LedgerError(Exception):
    """A ledger that cannot be counted; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    """One sheet (or one DOCX table) of a ledger file: its name and its rows of cell values."""

    name: str
    rows: tuple[tuple[CellValue, ...], ...]


@dataclass(frozen=True, order=True)
class RowRef:
    """Where an application is: the sheet and the row number as the clerk sees it (from 1)."""

    sheet: str
    number: int

    def describe(self, with_sheet: bool = False) -> str:
        row = texts.LEDGER_ROW.format(number=self.number)
        return texts.LEDGER_SHEET_ROW.format(sheet=self.sheet, row=row) if with_sheet else row


@dataclass(frozen=True)
class ColumnMatch:
    """A column found for a role, and the header it was found by."""

    role: Role
    sheet: str
    index: int
    header: str

    @property
    def letter(self) -> str:
        """The column's letter as a spreadsheet shows it (A, B, …, AA)."""
        n, letters = self.index + 1, ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters


@dataclass(frozen=True)
class Application:
    """One application of the ledger, as read."""

    row: RowRef
    received: date
    answered: date | None
    applicant: str
    outcome: str

    @property
    def open(self) -> bool:
        """Still being handled: no answer date, or an outcome that says so."""
        return self.answered is None or is_open(self.outcome)


@dataclass(frozen=True)
class Skipped:
    """A ledger row that is not counted, and why (Chinese)."""

    row: RowRef
    reason: str


@dataclass(frozen=True)
class Ledger:
    """Everything read from a ledger file, before any year is chosen."""

    columns: tuple[ColumnMatch, ...]
    applications: tuple[Application, ...]
    skipped: tuple[Skipped, ...] = ()

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.sheet for c in self.columns))

    def to_json(self) -> str:
        """The ledger as JSON (to keep it in a conversation's state until it is confirmed)."""
        return _LEDGER_JSON.dump_json(self).decode()

    @classmethod
    def from_json(cls, data: str | bytes) -> Ledger:
        return _LEDGER_JSON.validate_json(data)


_LEDGER_JSON: TypeAdapter[Ledger] = TypeAdapter(Ledger)


# --- reading ------------------------------------------------------------------------------------


def cell_text(value: CellValue) -> str:
    """A cell as text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def parse_date(value: CellValue) -> date | None:
    """A date cell: a real date, an Excel serial number, or text (2024.3.5, 2024年3月5日,
    2024/03/05, 20240305). None when blank; ValueError (Chinese) when it cannot be a date."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(texts.LEDGER_NOT_A_DATE)
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, timedelta):
        raise ValueError(texts.LEDGER_NOT_A_DATE)
    if isinstance(value, int | float):
        return _serial(float(value))
    text = str(value).strip()
    if text in _BLANK:
        return None
    text = text.translate(_FULL_WIDTH_DIGITS)
    if _SERIAL.fullmatch(text):
        return _serial(float(text))
    found = _DATE.match(text) or _COMPACT_DATE.match(text)
    if found is None or not _TIME_REST.fullmatch(found.groupdict().get("rest") or ""):
        raise ValueError(texts.LEDGER_NOT_A_DATE)
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ValueError(texts.LEDGER_NO_SUCH_DAY) from None
    return _plausible(day)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")


def _serial(number: float) -> date:
    day = _EXCEL_EPOCH + timedelta(days=int(number))
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise ValueError(texts.LEDGER_NOT_A_DATE)
    return day


def _plausible(day: date) -> date:
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise ValueError(texts.LEDGER_IMPLAUSIBLE_YEAR.format(year=day.year))
    return day


@dataclass(frozen=True)
class _Header:
    row: int
    columns: dict[Role, tuple[int, str]]


def _header_labels(
    rows: Sequence[Sequence[CellValue]], index: int, join: bool = True
) -> list[list[tuple[str, int]]]:
    """For each column of row ``index``: the texts to try as its header, each with a penalty
    (0: its own text; 2: joined with the text above, for a two-row header whose group cell is
    merged over several columns). A title above (one text merged across) is never joined."""
    own = [cell_text(v) for v in rows[index]]
    above: list[str] = []
    if join and index > 0 and len({t for t in map(cell_text, rows[index - 1]) if t}) >= 2:
        carried = ""
        for value in rows[index - 1]:
            carried = cell_text(value) or carried
            above.append(carried)
    labels: list[list[tuple[str, int]]] = []
    for column, text in enumerate(own):
        upper = above[column] if column < len(above) else ""
        tries = [(text, 0)] if text else []
        if upper and upper != text:
            tries.append((upper + text, 2))
        labels.append(tries)
    return labels


def _header_at(rows: Sequence[Sequence[CellValue]], index: int, join: bool = True) -> _Header:
    best: dict[Role, tuple[int, int, str]] = {}
    for column, tries in enumerate(_header_labels(rows, index, join)):
        for label, penalty in tries:
            found = header_role(label)
            if found is None:
                continue
            role, quality = found
            if role not in best or quality + penalty < best[role][0]:
                best[role] = (quality + penalty, column, label)
            break
    return _Header(index, {role: (col, label) for role, (_, col, label) in best.items()})


def find_header(rows: Sequence[Sequence[CellValue]]) -> tuple[int, dict[Role, tuple[int, str]]]:
    """The header row (index from 0) and its columns by role: the first row, among the first
    ``HEADER_SEARCH_ROWS``, that names the most roles (at least two). LedgerError otherwise."""
    best: _Header | None = None
    for index in range(min(len(rows), HEADER_SEARCH_ROWS)):
        header = _header_at(rows, index)
        if len(header.columns) >= 2 and (best is None or len(header.columns) > len(best.columns)):
            best = header
    if best is None:
        raise LedgerError(texts.LEDGER_NO_HEADER)
    return best.row, best.columns


def read_ledger(sheets: Sequence[Sheet]) -> Ledger:
    """Read every sheet that has a ledger header; raise LedgerError for a ledger that cannot
    be counted (no header, a missing column, a date that cannot be a date, an answer before
    the application, an application without its type)."""
    columns: list[ColumnMatch] = []
    applications: list[Application] = []
    skipped: list[Skipped] = []
    problems: list[str] = []
    missing_roles: list[tuple[str, list[Role], dict[Role, tuple[int, str]]]] = []
    for sheet in sheets:
        try:
            header_row, found = find_header(sheet.rows)
        except LedgerError:
            continue
        missing = [r for r in REQUIRED_ROLES if r not in found]
        if missing:
            missing_roles.append((sheet.name, missing, found))
            continue
        columns.extend(ColumnMatch(r, sheet.name, *found[r]) for r in REQUIRED_ROLES)
        where = {r: found[r][0] for r in REQUIRED_ROLES}
        for index in range(header_row + 1, len(sheet.rows)):
            row = sheet.rows[index]
            ref = RowRef(sheet.name, index + 1)
            if len(_header_at(sheet.rows, index, join=False).columns) >= 2:
                # The header again (a ledger pasted together page by page).
                skipped.append(Skipped(ref, texts.LEDGER_SKIP_HEADER))
                continue
            read = _read_row(row, ref, where, problems)
            if isinstance(read, Application):
                applications.append(read)
            elif read is not None:
                skipped.append(read)
    if not columns:
        if missing_roles:
            _, missing, found = missing_roles[0]
            raise LedgerError(_missing_message(missing, found))
        raise LedgerError(texts.LEDGER_NO_HEADER)
    if problems:
        listed = problems[:LISTED_ROWS]
        more = len(problems) - len(listed)
        message = texts.LEDGER_BAD_ROWS.format(count=len(problems), rows="；".join(listed))
        if more:
            message += texts.LEDGER_MORE_ROWS.format(count=more)
        raise LedgerError(message)
    if not applications:
        raise LedgerError(texts.LEDGER_NO_APPLICATIONS)
    return Ledger(tuple(columns), tuple(applications), tuple(skipped))


def _missing_message(missing: list[Role], found: dict[Role, tuple[int, str]]) -> str:
    names = "、".join(texts.LEDGER_ROLE_NAMES[r] for r in missing)
    examples = "；".join(
        texts.LEDGER_ROLE_EXAMPLES.format(role=texts.LEDGER_ROLE_NAMES[r], examples=_examples(r))
        for r in missing
    )
    seen = "、".join(f"“{label}”" for _, label in found.values())
    return texts.LEDGER_MISSING_COLUMNS.format(missing=names, seen=seen, examples=examples)


def _examples(role: Role) -> str:
    return "、".join(f"“{w}”" for w in HEADER_WORDING[role][:3])


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"


def _read_row(
    row: Sequence[CellValue], ref: RowRef, where: Mapping[Role, int], problems: list[str]
) -> Application | Skipped | None:
    """One data row: an application, a row skipped with its reason, or None for a blank row.
    A row that is wrong is described in ``problems``."""

    def cell(role: Role) -> CellValue:
        index = where[role]
        return row[index] if index < len(row) else None

    if all(cell_text(v) == "" for v in row):
        return None
    applicant = cell_text(cell(Role.APPLICANT))
    outcome = cell_text(cell(Role.OUTCOME))
    dates: dict[Role, date | None] = {}
    for role in (Role.RECEIVED, Role.ANSWERED):
        value = cell(role)
        if role is Role.ANSWERED and isinstance(value, str) and is_open(value):
            dates[role] = None
            continue
        try:
            dates[role] = parse_date(value)
        except ValueError as error:
            problems.append(
                texts.LEDGER_BAD_DATE.format(
                    row=ref.describe(),
                    role=texts.LEDGER_ROLE_NAMES[role],
                    value=_shown(cell_text(value)),
                    reason=str(error),
                )
            )
            return None
    received, answered = dates[Role.RECEIVED], dates[Role.ANSWERED]
    if received is None:
        if not applicant and answered is None:
            if all(_only_a_number(v) for v in row):
                return None  # a template's pre-numbered empty row (序号 only)
            return Skipped(ref, texts.LEDGER_SKIP_NOT_APPLICATION)
        problems.append(texts.LEDGER_NO_RECEIVED.format(row=ref.describe()))
        return None
    if not applicant:
        problems.append(texts.LEDGER_NO_APPLICANT.format(row=ref.describe()))
        return None
    if answered is not None and answered < received:
        problems.append(
            texts.LEDGER_ANSWER_BEFORE.format(
                row=ref.describe(), answered=_day(answered), received=_day(received)
            )
        )
        return None
    if answered is not None and not outcome:
        problems.append(texts.LEDGER_NO_OUTCOME.format(row=ref.describe()))
        return None
    return Application(ref, received, answered, applicant, outcome)


def _only_a_number(value: CellValue) -> bool:
    text = cell_text(value)
    return not text or text.isdigit()


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- counting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A wording the ledger uses that could not be mapped, asked once per distinct value.

    ``kind`` is ``applicant`` (answer: an applicant column id) or ``outcome`` (answer: a result
    row id); ``key`` is the normalised wording an answer is remembered under; ``candidates``
    are the ids to offer, most likely first; ``rows`` the ledger rows that use it.
    """

    kind: Role
    value: str
    key: str
    candidates: tuple[str, ...]
    rows: tuple[RowRef, ...]


@dataclass(frozen=True)
class Mapped:
    """How one distinct wording was mapped, and by what (``declared`` or ``remembered``)."""

    kind: Role
    value: str
    target: str
    by: str
    rows: int


@dataclass(frozen=True)
class Counting:
    """A ledger counted for one year into table 三 of ``format_id``.

    ``figures`` holds every entered cell of table 三 (zeros included) once nothing is left to
    ask; ``sources`` the ledger rows behind each non-zero cell.
    """

    year: int
    format_id: str
    ledger: Ledger
    figures: dict[str, int]
    sources: dict[str, tuple[RowRef, ...]]
    questions: tuple[Question, ...]
    mappings: tuple[Mapped, ...]
    skipped: tuple[Skipped, ...]
    counted_rows: int = field(default=0)

    @property
    def complete(self) -> bool:
        """True when every wording that matters was mapped: the figures can be written."""
        return not self.questions

    def report_figures(self) -> dict[str, Decimal]:
        """The counts as report figures (only once complete)."""
        if not self.complete:
            raise ValueError("the ledger still has unmapped wording")
        return {cell: Decimal(n) for cell, n in self.figures.items()}


def table_cells(fmt: ReportFormat) -> tuple[str, ...]:
    """Every entered cell of table 三, in the format's order."""
    return tuple(
        c.id for c in fmt.table("applications").cells if not c.computed and c.id in fmt.cells_by_id
    )


def count_ledger(
    ledger: Ledger,
    year: int,
    fmt: ReportFormat,
    remembered: Mapping[tuple[str, str], str] | None = None,
) -> Counting:
    """Count ``ledger`` into table 三 for ``year``: 一 received in the year; 二 received before
    it and still open at its start; 三 answered in it, by outcome; 四 open at its end.

    ``remembered`` maps (kind, normalised wording) to the id an office chose earlier; it is
    looked at before the declared wording.
    """
    remembered = remembered or {}
    start, end = date(year, 1, 1), date(year, 12, 31)
    cells = table_cells(fmt)
    sources: dict[str, list[RowRef]] = {}
    skipped = list(ledger.skipped)
    asked: dict[tuple[Role, str], list[RowRef]] = {}
    first_value: dict[tuple[Role, str], str] = {}
    mappings: dict[tuple[Role, str], Mapped] = {}
    counted = 0

    def mapped(kind: Role, value: str, row: RowRef) -> str | None:
        key = normalise(value)
        target, by = _map(kind, value, key, fmt, remembered)
        if target is None:
            asked.setdefault((kind, key), []).append(row)
            first_value.setdefault((kind, key), value)
            return None
        old = mappings.get((kind, key))
        mappings[(kind, key)] = Mapped(kind, value, target, by, (old.rows if old else 0) + 1)
        return target

    for app in sorted(ledger.applications, key=lambda a: a.row):
        received_in_year = start <= app.received <= end
        open_at_start = app.received < start and (
            app.open or (app.answered is not None and app.answered >= start)
        )
        answered_in_year = (
            not app.open and app.answered is not None and start <= app.answered <= end
        )
        open_at_end = app.received <= end and (
            app.open or (app.answered is not None and app.answered > end)
        )
        if app.received > end:
            skipped.append(Skipped(app.row, texts.LEDGER_SKIP_LATER.format(year=year)))
            continue
        if not (received_in_year or open_at_start):
            skipped.append(Skipped(app.row, texts.LEDGER_SKIP_EARLIER.format(year=year)))
            continue
        column = mapped(Role.APPLICANT, app.applicant, app.row)
        outcome = mapped(Role.OUTCOME, app.outcome, app.row) if answered_in_year else None
        if column is None or (answered_in_year and outcome is None):
            continue
        counted += 1
        rows = []
        if received_in_year:
            rows.append("applications.new")
        if open_at_start:
            rows.append("applications.carried_over")
        if answered_in_year and outcome is not None:
            rows.append(outcome)
        if open_at_end:
            rows.append("applications.carried_forward")
        for row_id in rows:
            sources.setdefault(f"{row_id}.{column}", []).append(app.row)

    questions = tuple(
        Question(
            kind,
            first_value[(kind, key)],
            key,
            _candidates(kind, first_value[(kind, key)], fmt),
            tuple(rows),
        )
        for (kind, key), rows in asked.items()
    )
    figures = {cell: len(sources.get(cell, ())) for cell in cells} if not questions else {}
    return Counting(
        year=year,
        format_id=fmt.id,
        ledger=ledger,
        figures=figures,
        sources={cell: tuple(rows) for cell, rows in sources.items()},
        questions=questions,
        mappings=tuple(mappings.values()),
        skipped=tuple(sorted(skipped, key=lambda s: s.row)),
        counted_rows=counted,
    )


def _map(
    kind: Role,
    value: str,
    key: str,
    fmt: ReportFormat,
    remembered: Mapping[tuple[str, str], str],
) -> tuple[str | None, str]:
    chosen = remembered.get((str(kind), key))
    if kind is Role.APPLICANT:
        if chosen in {c.id for c in APPLICANT_COLUMNS}:
            return chosen, "remembered"
        return applicant_column(value), "declared"
    if chosen is not None:
        row = resolve_row(fmt, chosen)
        if row is not None:
            return row, "remembered"
    return outcome_row(fmt, value), "declared"


def _candidates(kind: Role, value: str, fmt: ReportFormat) -> tuple[str, ...]:
    if kind is Role.APPLICANT:
        return tuple(c.id for c in APPLICANT_COLUMNS)
    return outcome_candidates(fmt, value)


def explain(counting: Counting, cell_id: str) -> tuple[RowRef, ...]:
    """The ledger rows a cell of table 三 is counted from (a total: those of its addends)."""
    fmt = _format(counting)
    if cell_id not in fmt.cells_by_id or not cell_id.startswith("applications."):
        raise KeyError(cell_id)
    cell = fmt.cell(cell_id)
    if not cell.computed:
        return counting.sources.get(cell_id, ())
    found: set[RowRef] = set()
    for addend in fmt.addends(cell_id):
        found.update(explain(counting, addend))
    return tuple(sorted(found))


def _format(counting: Counting) -> ReportFormat:
    return get_format(counting.format_id)


def candidate_label(fmt: ReportFormat, kind: Role, target: str) -> str:
    """How a candidate is shown: the applicant column's name, or the result row's label path
    without the table heading (（四）无法提供 1.本机关不掌握相关政府信息)."""
    if kind is Role.APPLICANT:
        return next(c.name for c in APPLICANT_COLUMNS if c.id == target)
    row = next(r for r in result_rows(fmt) if r.id == target)
    return " ".join(row.labels[1:])


def rows_text(rows: Iterable[RowRef], limit: int = 12) -> str:
    """Row numbers for a message (第3、5、9行; with sheet names when there are several)."""
    refs = sorted(rows)
    several = len({r.sheet for r in refs}) > 1
    shown = refs[:limit]
    if several:
        text = "、".join(r.describe(with_sheet=True) for r in shown)
    else:
        text = texts.LEDGER_ROWS.format(numbers="、".join(str(r.number) for r in shown))
    if len(refs) > limit:
        text += texts.LEDGER_ROWS_MORE.format(count=len(refs))
    return text
