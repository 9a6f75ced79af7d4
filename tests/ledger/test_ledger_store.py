"""Storing ledger answers per office, and writing counts into a draft like typed answers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from ledger_builders import EXPECTED, HEADERS, YEAR, rows_for

from report.formats import CURRENT
from report.ledger import Sheet, count_ledger, read_ledger, table_cells
from storage import LedgerRefused, StaleWrite, Store

TOWN = "某某镇人民政府"


def ledger_of(applications=None):  # type: ignore[no-untyped-def]
    rows = rows_for(HEADERS["plain"], *(() if applications is None else (applications,)))
    return read_ledger([Sheet("台账", tuple(tuple(r) for r in rows))])


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "nianbao.db") as opened:
        yield opened


def test_answers_are_remembered_per_office_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.db"
    with Store(path) as store:
        town = store.add_organisation(TOWN)
        other = store.add_organisation("另一镇人民政府")
        store.upsert_person(7, "李明")
        store.remember_ledger_wording(town.id, "applicant", "个体户", "natural_person", person_id=7)
        store.remember_ledger_wording(town.id, "applicant", "个体户", "business", person_id=7)
        store.remember_ledger_wording(
            town.id, "outcome", "不予公开", "applications.refused.third_party", person_id=None
        )
    with Store(path) as store:
        assert store.ledger_wording(town.id) == {
            ("applicant", "个体户"): "business",
            ("outcome", "不予公开"): "applications.refused.third_party",
        }
        assert store.ledger_wording(other.id) == {}


def test_an_answer_that_is_no_part_of_table_three_is_refused(store: Store) -> None:
    town = store.add_organisation(TOWN)
    for kind, target in (
        ("applicant", "applications.granted"),
        ("outcome", "natural_person"),
        ("outcome", "applications.new"),
    ):
        with pytest.raises(LedgerRefused) as refused:
            store.remember_ledger_wording(town.id, kind, "某写法", target, person_id=None)
        assert (refused.value.kind, refused.value.target) == ("bad_target", target)
    assert store.ledger_wording(town.id) == {}


def test_counts_are_written_like_typed_answers_with_the_ledger_as_source(store: Store) -> None:
    town = store.add_organisation(TOWN)
    store.upsert_person(7, "李明")
    draft = store.report(town.id, YEAR)
    assert draft is not None
    store.write_figures(
        draft.id, {"applications.new.natural_person": Decimal(5)}, person_id=7, source="update:1"
    )
    counting = count_ledger(ledger_of(), YEAR, CURRENT)
    written = store.write_ledger_counts(draft.id, counting, person_id=7, file_name="台账.xlsx")
    figures = store.load(draft.id).figures
    assert figures == {c: Decimal(EXPECTED.get(c, 0)) for c in table_cells(CURRENT)}
    assert written.changed == len(table_cells(CURRENT))
    assert [v for v in written.violations if v.severity == "error"] == []
    ledger_entries = [e for e in store.audit_log(draft.id) if e.source == "ledger:台账.xlsx"]
    assert len(ledger_entries) == len(table_cells(CURRENT))
    changed = next(e for e in ledger_entries if e.target == "applications.new.natural_person")
    assert (changed.old, changed.new, changed.person_id) == ("5", "2", 7)
    # The same counts again change nothing.
    again = store.write_ledger_counts(draft.id, counting, person_id=7, file_name="台账.xlsx")
    assert again.changed == 0
    assert len(store.audit_log(draft.id)) == len(ledger_entries) + 1


def test_a_colleagues_newer_figure_is_not_overwritten(store: Store) -> None:
    town = store.add_organisation(TOWN)
    draft = store.report(town.id, YEAR)
    assert draft is not None
    counting = count_ledger(ledger_of(), YEAR, CURRENT)
    versions = store.cell_versions(draft.id, counting.figures)
    store.write_figures(draft.id, {"applications.new.business": Decimal(9)}, person_id=None)
    with pytest.raises(StaleWrite):
        store.write_ledger_counts(draft.id, counting, person_id=None, expected=versions)
    assert store.load(draft.id).figures == {"applications.new.business": Decimal(9)}


def test_nothing_is_written_while_a_wording_is_unmapped_or_the_year_differs(store: Store) -> None:
    town = store.add_organisation(TOWN)
    draft = store.report(town.id, YEAR)
    assert draft is not None
    unmapped = count_ledger(
        ledger_of([("个体户", "2024.1.2", "2024.1.9", "予以公开")]), YEAR, CURRENT
    )
    with pytest.raises(LedgerRefused) as still_open:
        store.write_ledger_counts(draft.id, unmapped, person_id=None)
    assert (still_open.value.kind, still_open.value.count) == ("unmapped", 1)
    other_year = count_ledger(ledger_of(), YEAR - 1, CURRENT)
    with pytest.raises(LedgerRefused) as wrong_year:
        store.write_ledger_counts(draft.id, other_year, person_id=None)
    assert wrong_year.value.kind == "wrong_year"
    assert (wrong_year.value.counted_year, wrong_year.value.year) == (YEAR - 1, YEAR)
    assert store.audit_log(draft.id) == []
