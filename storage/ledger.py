"""Ledgers: the wording an office chose for its ledger values, and writing counted figures.

An answer to a ledger question is kept per organisation, so the same wording is never asked
twice. Counted figures are written through ``write_figures`` like typed answers (versions,
audit log), with ``ledger`` as the audited source, and the rules are run on the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from report.formats import APPLICANT_COLUMNS, FORMATS
from report.ledger import Counting
from report.ledger_wording import Role, result_rows
from report.rules import Violation, check
from storage.base import StoreBase
from storage.codec import datetime_to_text
from storage.errors import LedgerRefused
from storage.models import StoredReport
from storage.reports import ReportStore

LEDGER_SOURCE = "ledger"


@dataclass(frozen=True)
class LedgerWritten:
    """The report after the counts were written, and every rule violation it now has."""

    report: StoredReport
    violations: tuple[Violation, ...]
    changed: int


def ledger_source(file_name: str | None) -> str:
    """The audited source of figures counted from a ledger file (``ledger:<name>``)."""
    return f"{LEDGER_SOURCE}:{file_name}" if file_name else LEDGER_SOURCE


def _valid_target(kind: Role, target: str) -> bool:
    if kind is Role.APPLICANT:
        return target in {c.id for c in APPLICANT_COLUMNS}
    return any(target in {r.id for r in result_rows(fmt)} for fmt in FORMATS.values())


class LedgerStore(ReportStore, StoreBase):
    def ledger_wording(self, org_id: int) -> dict[tuple[str, str], str]:
        """The organisation's answers to ledger questions: (kind, normalised wording) -> id."""
        rows = self._conn.execute(
            "SELECT kind, wording, target FROM ledger_wording WHERE organisation_id = ?",
            (org_id,),
        ).fetchall()
        return {(kind, wording): target for kind, wording, target in rows}

    def remember_ledger_wording(
        self, org_id: int, kind: str, wording: str, target: str, *, person_id: int | None
    ) -> None:
        """Remember that ``wording`` (a ``Question.key``) in this organisation's ledgers means
        ``target`` (an applicant column id, or a result row id); a later answer replaces it."""
        role = Role(kind)
        if role not in (Role.APPLICANT, Role.OUTCOME) or not _valid_target(role, target):
            raise LedgerRefused("bad_target", target=target)
        with self.transaction():
            self._organisation_row(org_id)
            self._require_person(person_id)
            self._conn.execute(
                "INSERT INTO ledger_wording (organisation_id, kind, wording, target, person_id,"
                " chosen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (organisation_id, kind,"
                " wording) DO UPDATE SET target = excluded.target, person_id ="
                " excluded.person_id, chosen_at = excluded.chosen_at",
                (org_id, str(role), wording, target, person_id, datetime_to_text(self._now())),
            )

    def write_ledger_counts(
        self,
        report_id: int,
        counting: Counting,
        *,
        person_id: int | None,
        file_name: str | None = None,
        expected: dict[str, int] | None = None,
    ) -> LedgerWritten:
        """Write a complete counting into table 三 of the report (every entered cell, zeros
        included) as typed answers are written, audited with source ``ledger:<file>``, and
        run the rules (with last year's report). LedgerRefused when the counting is
        for another year or format or still has questions; nothing is written then."""
        with self.transaction():
            stored = self._report_row(report_id)
            if counting.year != stored.year:
                raise LedgerRefused("wrong_year", counted_year=counting.year, year=stored.year)
            if counting.format_id != stored.format_id:
                raise LedgerRefused(
                    "wrong_format", counted_format=counting.format_id, format_id=stored.format_id
                )
            if not counting.complete:
                raise LedgerRefused("unmapped", count=len(counting.questions))
            before = self.load(report_id).figures
            figures = counting.report_figures()
            written = self.write_figures(
                report_id,
                dict(figures),
                person_id=person_id,
                source=ledger_source(file_name),
                expected=expected,
            )
            changed = sum(1 for c, v in figures.items() if before.get(c) != v)
            report = self.load(report_id)
            previous = self.previous_report(stored.organisation_id, stored.year)
        return LedgerWritten(written, tuple(check(report, previous)), changed)
