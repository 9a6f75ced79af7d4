"""Reports: their answers with a version per cell, the audit log, and last year's figures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from report.formats import FIRST_YEAR, format_for_year, get_format
from report.layout import ReportFormat
from report.values import MAX_TEXT_CHARS, Report
from storage.base import Row, StoreBase, stored_report_from_row
from storage.codec import (
    FORMAT_TARGET,
    STATUS_TARGET,
    WARNING_PREFIX,
    datetime_to_text,
    decimal_to_text,
    part_of,
    text_target,
    text_to_datetime,
    text_to_decimal,
)
from storage.errors import FormatMismatch, StaleWrite
from storage.models import AuditEntry, ReportStatus, StoredReport
from storage.review_hooks import answer_comments, refuse_locked

LAST_YEAR = 2100


@dataclass(frozen=True)
class _Answer:
    value: str | None
    version: int
    person_id: int | None


_NEVER_WRITTEN = _Answer(None, 0, None)


class ReportStore(StoreBase):
    # -- finding and creating reports ----------------------------------------------------------

    def report(
        self, org_id: int, year: int, *, format_id: str | None = None, create: bool = True
    ) -> StoredReport | None:
        """The organisation's report on ``year``, created as an empty draft if there is none
        (unless ``create`` is False). The format follows the year unless ``format_id`` is given.
        """
        existing = self._find_report(org_id, year)
        if existing is not None or not create:
            if existing is not None and format_id and format_id != existing.format_id:
                raise FormatMismatch(
                    organisation=self._organisation_row(org_id).name,
                    year=year,
                    existing=existing.format_id,
                    requested=format_id,
                )
            return existing
        fmt = _format_of(year, format_id)
        with self.transaction():
            self._organisation_row(org_id)
            now = datetime_to_text(self._now())
            # Another clerk may have created it since we looked: keep theirs.
            self._conn.execute(
                "INSERT INTO reports (organisation_id, year, format_id, status, version,"
                " created_at, updated_at) VALUES (?, ?, ?, 'draft', 0, ?, ?)"
                " ON CONFLICT (organisation_id, year) DO NOTHING",
                (org_id, year, fmt.id, now, now),
            )
            created = self._find_report(org_id, year)
        assert created is not None
        return created

    def report_by_id(self, report_id: int) -> StoredReport:
        """The report with this id; NotFound otherwise."""
        return self._report_row(report_id)

    def years(self, org_id: int) -> list[int]:
        """The years the organisation has a report on, oldest first."""
        rows = self._conn.execute(
            "SELECT year FROM reports WHERE organisation_id = ? ORDER BY year", (org_id,)
        ).fetchall()
        return [row[0] for row in rows]

    def load(self, report_id: int) -> Report:
        """The report's figures and texts as a ``Report`` (organisation = its full name)."""
        with self._snapshot():
            stored = self._report_row(report_id)
            org = self._organisation_row(stored.organisation_id)
            rows = self._conn.execute(
                "SELECT target, value FROM answers WHERE report_id = ? AND value IS NOT NULL",
                (report_id,),
            ).fetchall()
        figures: dict[str, Decimal] = {}
        report_texts: dict[str, str] = {}
        for target, value in rows:
            part_id = part_of(target)
            if part_id is None:
                figures[target] = text_to_decimal(value)
            else:
                report_texts[part_id] = value
        return Report(
            organisation=org.name,
            year=stored.year,
            format_id=stored.format_id,
            figures=figures,
            texts=report_texts,
        )

    def report_for_year(self, org_id: int, year: int) -> Report | None:
        """The organisation's report on ``year`` if there is one (never creates it)."""
        stored = self._find_report(org_id, year)
        return self.load(stored.id) if stored else None

    def previous_report(self, org_id: int, year: int) -> Report | None:
        """The organisation's report on the year before ``year``, if there is one."""
        return self.report_for_year(org_id, year - 1)

    def last_year_values(
        self, org_id: int, year: int, cell_ids: Iterable[str]
    ) -> dict[str, Decimal]:
        """The figures of these cells in the organisation's report on ``year - 1``; cells that
        were not filled in (or that year has no report) are left out."""
        rows = self._conn.execute(
            "SELECT a.target, a.value FROM reports r"
            " JOIN answers a ON a.report_id = r.id"
            " WHERE r.organisation_id = ? AND r.year = ?"
            " AND a.target IN (SELECT value FROM json_each(?)) AND a.value IS NOT NULL",
            (org_id, year - 1, json.dumps([c for c in cell_ids if part_of(c) is None])),
        ).fetchall()
        return {target: text_to_decimal(value) for target, value in rows}

    # -- answers -------------------------------------------------------------------------------

    def cell_versions(self, report_id: int, targets: Iterable[str]) -> dict[str, int]:
        """The version of each target (cell id or ``text:<part>``); 0 if never written."""
        wanted = list(dict.fromkeys(targets))
        with self._snapshot():
            self._report_row(report_id)
            # Every answer of the report, picked here: the dialog asks for every cell and part
            # on each answer, and sending their names to SQLite as JSON cost more than this.
            rows = self._conn.execute(
                "SELECT target, version FROM answers WHERE report_id = ?", (report_id,)
            ).fetchall()
        current = dict(rows)
        return {t: current.get(t, 0) for t in wanted}

    def write_figures(
        self,
        report_id: int,
        figures: Mapping[str, Decimal | None],
        *,
        person_id: int | None,
        source: str | None = None,
        expected: Mapping[str, int] | None = None,
    ) -> StoredReport:
        """Store figures as answered (None clears a cell), audited, committed on return.

        With ``expected`` (target -> the version the caller's answer is based on), a target
        whose version has moved on raises StaleWrite and nothing at all is written. Figures
        equal to the stored ones change nothing. Unknown cell ids raise ValueError.
        """
        changes = {
            cell: None if value is None else decimal_to_text(value)
            for cell, value in figures.items()
        }
        with self.transaction():
            stored = self._report_row(report_id)
            refuse_locked(self._conn, report_id)
            fmt = get_format(stored.format_id)
            _check_targets(fmt, [*changes, *(expected or {})])
            for cell in changes:
                if part_of(cell) is not None:
                    raise ValueError(f"{cell} is a text part; use write_text")
            return self._write(
                stored, changes, person_id=person_id, source=source, expected=expected
            )

    def write_text(
        self,
        report_id: int,
        part_id: str,
        text: str | None,
        *,
        person_id: int | None,
        source: str | None = None,
        expected: int | None = None,
    ) -> StoredReport:
        """Store the text of a narrative part (None clears it), like ``write_figures``."""
        if text is not None and len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"text of {part_id} is longer than {MAX_TEXT_CHARS} characters")
        target = text_target(part_id)
        with self.transaction():
            stored = self._report_row(report_id)
            refuse_locked(self._conn, report_id)
            _check_targets(get_format(stored.format_id), [target])
            return self._write(
                stored,
                {target: text},
                person_id=person_id,
                source=source,
                expected=None if expected is None else {target: expected},
            )

    def set_status(
        self, report_id: int, status: ReportStatus, *, person_id: int | None
    ) -> StoredReport:
        """Mark the report draft, final or imported (audited)."""
        status = ReportStatus(status)
        with self.transaction():
            stored = self._report_row(report_id)
            self._require_person(person_id)
            if stored.status != status:
                now = self._now()
                self._set_status(stored, status, person_id=person_id, source=None, now=now)
                self._bump(report_id, now)
            return self._report_row(report_id)

    def save_imported(
        self,
        org_id: int,
        year: int,
        report: Report,
        *,
        person_id: int | None,
        source: str | None = None,
    ) -> StoredReport:
        """Replace the organisation's report on ``year`` by one read from a document: every
        figure and text, its format, status IMPORTED; each change audited."""
        if report.year != year:
            raise ValueError(f"the report is on {report.year}, not {year}")
        with self.transaction():
            stored = self.report(org_id, year, create=False) or self.report(
                org_id, year, format_id=report.format_id
            )
            assert stored is not None
            refuse_locked(self._conn, stored.id)
            self._require_person(person_id)
            now = self._now()
            changed = False
            if stored.format_id != report.format_id:
                self._conn.execute(
                    "UPDATE reports SET format_id = ? WHERE id = ?", (report.format_id, stored.id)
                )
                self._audit(
                    stored.id,
                    FORMAT_TARGET,
                    stored.format_id,
                    report.format_id,
                    person_id=person_id,
                    source=source,
                    now=now,
                )
                changed = True
            new: dict[str, str | None] = {c: decimal_to_text(v) for c, v in report.figures.items()}
            new.update({text_target(p): t for p, t in report.texts.items()})
            stale = self._conn.execute(
                "SELECT target FROM answers WHERE report_id = ? AND value IS NOT NULL", (stored.id,)
            ).fetchall()
            for (target,) in stale:
                new.setdefault(target, None)
            changed |= self._apply(stored.id, new, person_id=person_id, source=source, now=now)
            if stored.status != ReportStatus.IMPORTED:
                self._set_status(
                    stored, ReportStatus.IMPORTED, person_id=person_id, source=source, now=now
                )
                changed = True
            if changed:
                self._bump(stored.id, now)
            return self._report_row(stored.id)

    # -- audit and warnings --------------------------------------------------------------------

    def audit_log(self, report_id: int) -> list[AuditEntry]:
        """Every change made to the report, oldest first. Nothing edits or deletes it."""
        rows = self._all("SELECT * FROM audit WHERE report_id = ? ORDER BY id", (report_id,))
        return [_audit_entry(r) for r in rows]

    def last_activity(self, report_id: int) -> datetime | None:
        """When the report last changed, or None if nothing was ever entered."""
        row = self._conn.execute(
            "SELECT at FROM audit WHERE report_id = ? ORDER BY id DESC LIMIT 1", (report_id,)
        ).fetchone()
        return text_to_datetime(row[0]) if row else None

    def accept_warning(
        self, report_id: int, key: str, reason: str, *, person_id: int | None
    ) -> None:
        """Record that a warning of the rules was looked at and accepted, and why (audited)."""
        with self.transaction():
            self._report_row(report_id)
            refuse_locked(self._conn, report_id)
            self._require_person(person_id)
            old = self._accepted_reason(report_id, key)
            if old == reason:
                return
            now = self._now()
            self._conn.execute(
                "INSERT INTO accepted_warnings (report_id, key, reason, person_id, accepted_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (report_id, key) DO UPDATE SET"
                " reason = excluded.reason, person_id = excluded.person_id,"
                " accepted_at = excluded.accepted_at",
                (report_id, key, reason, person_id, datetime_to_text(now)),
            )
            self._audit(
                report_id,
                WARNING_PREFIX + key,
                old,
                reason,
                person_id=person_id,
                source=None,
                now=now,
            )
            self._bump(report_id, now)

    def withdraw_warning(self, report_id: int, key: str, *, person_id: int | None) -> None:
        """Undo the acceptance of a warning (audited); nothing happens if it was not accepted."""
        with self.transaction():
            self._report_row(report_id)
            refuse_locked(self._conn, report_id)
            self._require_person(person_id)
            old = self._accepted_reason(report_id, key)
            if old is None:
                return
            now = self._now()
            self._conn.execute(
                "DELETE FROM accepted_warnings WHERE report_id = ? AND key = ?", (report_id, key)
            )
            self._audit(
                report_id,
                WARNING_PREFIX + key,
                old,
                None,
                person_id=person_id,
                source=None,
                now=now,
            )
            self._bump(report_id, now)

    def accepted_warnings(self, report_id: int) -> dict[str, str]:
        """Accepted warnings of the report: key -> reason."""
        rows = self._conn.execute(
            "SELECT key, reason FROM accepted_warnings WHERE report_id = ?"
            " ORDER BY accepted_at, key",
            (report_id,),
        ).fetchall()
        return dict(rows)

    # -- internals -----------------------------------------------------------------------------

    def _find_report(self, org_id: int, year: int) -> StoredReport | None:
        row = self._one(
            "SELECT * FROM reports WHERE organisation_id = ? AND year = ?", (org_id, year)
        )
        return stored_report_from_row(row) if row else None

    def _answers(self, report_id: int, targets: Iterable[str]) -> dict[str, _Answer]:
        rows = self._conn.execute(
            "SELECT target, value, version, person_id FROM answers"
            " WHERE report_id = ? AND target IN (SELECT value FROM json_each(?))",
            (report_id, json.dumps(list(targets))),
        ).fetchall()
        return {target: _Answer(value, version, person) for target, value, version, person in rows}

    def _write(
        self,
        stored: StoredReport,
        changes: Mapping[str, str | None],
        *,
        person_id: int | None,
        source: str | None,
        expected: Mapping[str, int] | None,
    ) -> StoredReport:
        """Check ``expected`` and apply ``changes``; the caller holds the transaction."""
        self._require_person(person_id)
        if expected:
            current = self._answers(stored.id, expected)
            stale = [
                t
                for t, version in expected.items()
                if current.get(t, _NEVER_WRITTEN).version != version
            ]
            if stale:
                raise self._stale_write(stored, stale, expected, current)
        now = self._now()
        if self._apply(stored.id, changes, person_id=person_id, source=source, now=now):
            self._bump(stored.id, now)
            return self._report_row(stored.id)
        return stored

    def _apply(
        self,
        report_id: int,
        changes: Mapping[str, str | None],
        *,
        person_id: int | None,
        source: str | None,
        now: datetime,
    ) -> bool:
        """Write the answers that differ from the stored ones, each audited; True if any did."""
        current = self._answers(report_id, changes)
        stamp = datetime_to_text(now)
        written: list[str] = []
        for target, value in changes.items():
            old = current.get(target, _NEVER_WRITTEN)
            if old.value == value:
                continue
            self._conn.execute(
                "INSERT INTO answers (report_id, target, value, version, person_id, updated_at,"
                " source) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (report_id, target) DO UPDATE"
                " SET value = excluded.value, version = excluded.version,"
                " person_id = excluded.person_id, updated_at = excluded.updated_at,"
                " source = excluded.source",
                (report_id, target, value, old.version + 1, person_id, stamp, source),
            )
            self._audit(
                report_id, target, old.value, value, person_id=person_id, source=source, now=now
            )
            written.append(target)
        # A comment on a place is answered by the write that changes it.
        answer_comments(self._conn, report_id, written, person_id=person_id, now=now)
        return bool(written)

    def _set_status(
        self,
        stored: StoredReport,
        status: ReportStatus,
        *,
        person_id: int | None,
        source: str | None,
        now: datetime,
    ) -> None:
        self._conn.execute("UPDATE reports SET status = ? WHERE id = ?", (status.value, stored.id))
        self._audit(
            stored.id,
            STATUS_TARGET,
            stored.status.value,
            status.value,
            person_id=person_id,
            source=source,
            now=now,
        )

    def _bump(self, report_id: int, now: datetime) -> None:
        self._conn.execute(
            "UPDATE reports SET version = version + 1, updated_at = ? WHERE id = ?",
            (datetime_to_text(now), report_id),
        )

    def _accepted_reason(self, report_id: int, key: str) -> str | None:
        row = self._conn.execute(
            "SELECT reason FROM accepted_warnings WHERE report_id = ? AND key = ?", (report_id, key)
        ).fetchone()
        return row[0] if row else None

    def _stale_write(
        self,
        stored: StoredReport,
        stale: list[str],
        expected: Mapping[str, int],
        current: Mapping[str, _Answer],
    ) -> StaleWrite:
        target = stale[0]
        answer = current.get(target, _NEVER_WRITTEN)
        return StaleWrite(
            target=target,
            label=_target_label(get_format(stored.format_id), target),
            expected_version=expected[target],
            current_version=answer.version,
            current_value=answer.value,
            person_id=answer.person_id,
            targets=tuple(stale),
        )


def _format_of(year: int, format_id: str | None) -> ReportFormat:
    if format_id is None:
        return format_for_year(year)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"no report is made on the year {year}")
    return get_format(format_id)


def _check_targets(fmt: ReportFormat, targets: Iterable[str]) -> None:
    """Raise ValueError for a target that is neither a cell nor a part of the format."""
    parts = {p.id for p in fmt.parts}
    for target in targets:
        part_id = part_of(target)
        known = target in fmt.cells_by_id if part_id is None else part_id in parts
        if not known:
            raise ValueError(f"{target!r} is not a cell or part of the {fmt.id} format")


def _target_label(fmt: ReportFormat, target: str) -> str:
    """How a user knows a target: the cell's label, or the part's (or its section's) heading."""
    part_id = part_of(target)
    if part_id is None:
        return fmt.cell(target).label
    for section in fmt.sections:
        for part in section.parts:
            if part.id == part_id:
                return part.title or section.heading
    return part_id


def _audit_entry(row: Row) -> AuditEntry:
    return AuditEntry(
        report_id=row["report_id"],
        target=row["target"],
        old=row["old"],
        new=row["new"],
        person_id=row["person_id"],
        at=text_to_datetime(row["at"]),
        source=row["source"],
    )
