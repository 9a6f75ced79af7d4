"""Reports: answers with versions, stale writes, the audit log and the look-ups."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from storage_fixtures import CLERK_ID, OTHER_CLERK_ID, START, Clock

from report.formats import CURRENT, LEGACY
from report.values import MAX_TEXT_CHARS, Report
from storage import (
    FormatMismatch,
    NotFound,
    Organisation,
    ReportStatus,
    StaleWrite,
    Store,
    StoredReport,
    UpdateOrigin,
    text_target,
    update_origin,
    update_source,
)

NEW_BY_PERSON = "applications.new.natural_person"
NEW_BY_BUSINESS = "applications.new.business"
FEES = "disclosure.fees.amount"  # 万元, decimals allowed
RULES_ISSUED = "disclosure.rules.issued"


def test_one_report_per_organisation_and_year(store: Store, town: Organisation) -> None:
    first = store.report(town.id, 2024)
    again = store.report(town.id, 2024)

    assert first is not None and again == first
    assert first.format_id == CURRENT.id
    assert first.status == ReportStatus.DRAFT and first.version == 0
    assert first.updated_at == START
    legacy = store.report(town.id, 2020)
    assert legacy is not None and legacy.format_id == LEGACY.id
    assert store.years(town.id) == [2020, 2024]
    assert store.report_by_id(first.id) == first


def test_report_lookups_that_do_not_create(store: Store, town: Organisation) -> None:
    assert store.report(town.id, 2023, create=False) is None
    assert store.report(999, 2023, create=False) is None
    assert store.years(town.id) == []
    with pytest.raises(NotFound):
        store.report(999, 2023)
    with pytest.raises(NotFound):
        store.report_by_id(999)
    with pytest.raises(ValueError):
        store.report(town.id, 2018)


def test_report_format_can_be_chosen_but_not_switched(store: Store, town: Organisation) -> None:
    chosen = store.report(town.id, 2021, format_id=LEGACY.id)
    assert chosen is not None and chosen.format_id == LEGACY.id
    assert store.report(town.id, 2021, format_id=LEGACY.id) == chosen
    with pytest.raises(FormatMismatch) as error:
        store.report(town.id, 2021, format_id=CURRENT.id)
    assert (error.value.year, error.value.existing, error.value.requested) == (
        2021,
        LEGACY.id,
        CURRENT.id,
    )
    assert error.value.organisation == town.name
    with pytest.raises(ValueError):
        store.report(town.id, 2022, format_id="no-such-format")


def test_figures_are_stored_exactly_and_normalised(store: Store, draft: StoredReport) -> None:
    store.write_figures(
        draft.id,
        {
            NEW_BY_PERSON: Decimal("1.8E+5"),
            NEW_BY_BUSINESS: Decimal("0.00"),
            FEES: Decimal("12.50"),
            "disclosure.rules.in_force": 3,
        },
        person_id=CLERK_ID,
    )

    loaded = store.load(draft.id)
    assert loaded.figures == {
        NEW_BY_PERSON: Decimal(180000),
        NEW_BY_BUSINESS: Decimal(0),
        FEES: Decimal("12.5"),
        "disclosure.rules.in_force": Decimal(3),
    }
    assert {e.target: e.new for e in store.audit_log(draft.id)} == {
        NEW_BY_PERSON: "180000",
        NEW_BY_BUSINESS: "0",
        FEES: "12.5",
        "disclosure.rules.in_force": "3",
    }
    assert loaded.organisation == "信丰县大塘埠镇人民政府"
    assert (loaded.year, loaded.format_id) == (2024, CURRENT.id)


def test_figures_that_are_not_numbers_are_refused(store: Store, draft: StoredReport) -> None:
    with pytest.raises(ValueError):
        store.write_figures(draft.id, {FEES: Decimal("NaN")}, person_id=CLERK_ID)
    with pytest.raises(TypeError):
        store.write_figures(draft.id, {FEES: 1.5}, person_id=CLERK_ID)  # type: ignore[dict-item]
    assert store.load(draft.id).figures == {}


def test_each_write_is_audited_with_who_when_and_where(
    store: Store, draft: StoredReport, clock: Clock
) -> None:
    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(3)}, person_id=CLERK_ID, source="tg:101")
    later = clock.advance(minutes=5)
    store.write_figures(
        draft.id, {NEW_BY_PERSON: Decimal(4)}, person_id=OTHER_CLERK_ID, source="tg:102"
    )

    log = store.audit_log(draft.id)
    assert [(e.target, e.old, e.new, e.person_id, e.at, e.source) for e in log] == [
        (NEW_BY_PERSON, None, "3", CLERK_ID, START, "tg:101"),
        (NEW_BY_PERSON, "3", "4", OTHER_CLERK_ID, later, "tg:102"),
    ]
    assert store.last_activity(draft.id) == later


def test_an_updates_audit_source_names_its_bot_and_older_rows_still_read(
    store: Store, draft: StoredReport
) -> None:
    """Each bot counts its update ids on its own: the source names the bot, so two bots'
    updates of the same number stay apart. Rows written before (``update:<id>``) still read,
    with no bot (the first token's, then the only one)."""
    store.write_figures(
        draft.id, {NEW_BY_PERSON: Decimal(1)}, person_id=CLERK_ID, source="update:7"
    )
    for bot_id, value in ((7000000001, 2), (7000000002, 3)):
        store.write_figures(
            draft.id,
            {NEW_BY_PERSON: Decimal(value)},
            person_id=CLERK_ID,
            source=update_source(bot_id, 7),
        )
    store.write_figures(
        draft.id, {NEW_BY_PERSON: Decimal(4)}, person_id=CLERK_ID, source="ledger:a"
    )

    log = store.audit_log(draft.id)
    assert [e.source for e in log] == [
        "update:7",
        "update:7000000001:7",
        "update:7000000002:7",
        "ledger:a",
    ]
    assert [e.update for e in log] == [
        UpdateOrigin(None, 7),
        UpdateOrigin(7000000001, 7),
        UpdateOrigin(7000000002, 7),
        None,
    ]
    assert update_origin("update:x") is None and update_origin(None) is None


def test_versions_count_changes_only(store: Store, draft: StoredReport) -> None:
    targets = [NEW_BY_PERSON, NEW_BY_BUSINESS, text_target("problems")]
    assert store.cell_versions(draft.id, targets) == dict.fromkeys(targets, 0)

    one = store.write_figures(
        draft.id, {NEW_BY_PERSON: Decimal(3), NEW_BY_BUSINESS: Decimal(1)}, person_id=CLERK_ID
    )
    same = store.write_figures(draft.id, {NEW_BY_PERSON: Decimal("3.0")}, person_id=CLERK_ID)
    two = store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(5)}, person_id=CLERK_ID)

    assert (one.version, same.version, two.version) == (1, 1, 2)
    assert store.cell_versions(draft.id, targets) == {
        NEW_BY_PERSON: 2,
        NEW_BY_BUSINESS: 1,
        text_target("problems"): 0,
    }
    assert len(store.audit_log(draft.id)) == 3
    assert store.report_by_id(draft.id).version == 2


def test_none_clears_a_figure_and_keeps_counting(store: Store, draft: StoredReport) -> None:
    store.write_figures(draft.id, {NEW_BY_PERSON: None}, person_id=CLERK_ID)
    assert store.audit_log(draft.id) == []  # clearing an empty cell changes nothing

    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(3)}, person_id=CLERK_ID)
    cleared = store.write_figures(draft.id, {NEW_BY_PERSON: None}, person_id=CLERK_ID)

    assert NEW_BY_PERSON not in store.load(draft.id).figures
    assert store.cell_versions(draft.id, [NEW_BY_PERSON]) == {NEW_BY_PERSON: 2}
    assert cleared.version == 2
    assert store.audit_log(draft.id)[-1].old == "3"
    assert store.audit_log(draft.id)[-1].new is None


def test_unknown_cells_people_and_reports_write_nothing(store: Store, draft: StoredReport) -> None:
    with pytest.raises(ValueError):
        store.write_figures(
            draft.id, {NEW_BY_PERSON: Decimal(1), "no.such.cell": Decimal(1)}, person_id=CLERK_ID
        )
    # A legacy-only cell is not part of the current format.
    with pytest.raises(ValueError):
        store.write_figures(draft.id, {"disclosure.procurement.amount": Decimal(1)}, person_id=None)
    with pytest.raises(ValueError):
        store.write_figures(draft.id, {text_target("problems"): Decimal(1)}, person_id=None)
    with pytest.raises(NotFound):
        store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(1)}, person_id=4242)
    with pytest.raises(NotFound):
        store.write_figures(999, {NEW_BY_PERSON: Decimal(1)}, person_id=CLERK_ID)

    assert store.load(draft.id).figures == {}
    assert store.audit_log(draft.id) == []
    assert store.report_by_id(draft.id).version == 0


def test_a_stale_write_is_reported_and_writes_nothing(store: Store, draft: StoredReport) -> None:
    versions = store.cell_versions(draft.id, [NEW_BY_PERSON, NEW_BY_BUSINESS])
    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(7)}, person_id=OTHER_CLERK_ID)

    with pytest.raises(StaleWrite) as error:
        store.write_figures(
            draft.id,
            {NEW_BY_BUSINESS: Decimal(1), NEW_BY_PERSON: Decimal(5)},
            person_id=CLERK_ID,
            expected=versions,
        )

    stale = error.value
    assert (stale.target, stale.expected_version, stale.current_version) == (NEW_BY_PERSON, 0, 1)
    assert stale.current_value == "7" and stale.person_id == OTHER_CLERK_ID
    assert stale.targets == (NEW_BY_PERSON,)
    assert stale.label == CURRENT.cell(NEW_BY_PERSON).label and "自然人" in stale.label
    assert store.load(draft.id).figures == {NEW_BY_PERSON: Decimal(7)}
    assert len(store.audit_log(draft.id)) == 1


def test_a_write_based_on_the_current_version_goes_through(
    store: Store, draft: StoredReport
) -> None:
    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(7)}, person_id=OTHER_CLERK_ID)
    versions = store.cell_versions(draft.id, [NEW_BY_PERSON])

    store.write_figures(
        draft.id, {NEW_BY_PERSON: Decimal(5)}, person_id=CLERK_ID, expected=versions
    )

    assert store.load(draft.id).figures == {NEW_BY_PERSON: Decimal(5)}
    assert store.cell_versions(draft.id, [NEW_BY_PERSON]) == {NEW_BY_PERSON: 2}


def test_texts_are_versioned_like_figures(store: Store, draft: StoredReport) -> None:
    store.write_text(draft.id, "problems", "人员力量不足。", person_id=OTHER_CLERK_ID)
    with pytest.raises(StaleWrite) as error:
        store.write_text(draft.id, "problems", "无。", person_id=CLERK_ID, expected=0)
    assert error.value.target == text_target("problems")
    assert error.value.label == "五、存在的主要问题及改进情况"

    store.write_text(
        draft.id, "problems", "人员力量不足，培训不够。", person_id=CLERK_ID, expected=1
    )
    store.write_text(draft.id, "overview.active", "全年主动公开信息120条。", person_id=CLERK_ID)

    assert store.load(draft.id).texts == {
        "problems": "人员力量不足，培训不够。",
        "overview.active": "全年主动公开信息120条。",
    }
    store.write_text(draft.id, "overview.active", None, person_id=CLERK_ID)
    assert "overview.active" not in store.load(draft.id).texts
    assert [e.target for e in store.audit_log(draft.id)] == [
        "text:problems",
        "text:problems",
        "text:overview.active",
        "text:overview.active",
    ]


def test_bad_texts_are_refused(store: Store, draft: StoredReport) -> None:
    with pytest.raises(ValueError):
        store.write_text(draft.id, "no_such_part", "无。", person_id=CLERK_ID)
    with pytest.raises(ValueError):
        store.write_text(draft.id, "problems", "字" * (MAX_TEXT_CHARS + 1), person_id=CLERK_ID)
    assert store.load(draft.id).texts == {}


def test_status_changes_are_audited(store: Store, draft: StoredReport) -> None:
    final = store.set_status(draft.id, ReportStatus.FINAL, person_id=CLERK_ID)
    again = store.set_status(draft.id, ReportStatus.FINAL, person_id=CLERK_ID)

    assert final.status == ReportStatus.FINAL and final.version == 1
    assert again == final
    assert [(e.target, e.old, e.new) for e in store.audit_log(draft.id)] == [
        ("status", "draft", "final")
    ]


def test_the_audit_log_cannot_be_edited_even_with_sql(
    store: Store, draft: StoredReport, db_path: Path
) -> None:
    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(3)}, person_id=CLERK_ID)
    raw = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE audit SET new = '4'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM audit")
    finally:
        raw.close()
    assert [e.new for e in store.audit_log(draft.id)] == ["3"]


def test_last_year_values_and_earlier_reports(
    store: Store, town: Organisation, clerks: tuple[int, int]
) -> None:
    last = store.report(town.id, 2023)
    assert last is not None
    store.write_figures(
        last.id, {NEW_BY_PERSON: Decimal(4), FEES: Decimal("0.35")}, person_id=CLERK_ID
    )
    store.write_text(last.id, "problems", "培训不够。", person_id=CLERK_ID)
    old = store.report(town.id, 2020)
    assert old is not None
    store.write_figures(old.id, {"disclosure.procurement.amount": Decimal(180000)}, person_id=None)

    assert store.last_year_values(town.id, 2024, [NEW_BY_PERSON, NEW_BY_BUSINESS, FEES]) == {
        NEW_BY_PERSON: Decimal(4),
        FEES: Decimal("0.35"),
    }
    assert store.last_year_values(town.id, 2024, [text_target("problems")]) == {}
    assert store.last_year_values(town.id, 2023, [NEW_BY_PERSON]) == {}

    previous = store.previous_report(town.id, 2024)
    assert previous is not None
    assert previous.figures == {NEW_BY_PERSON: Decimal(4), FEES: Decimal("0.35")}
    assert previous.texts == {"problems": "培训不够。"}
    earlier = store.report_for_year(town.id, 2020)
    assert earlier is not None and earlier.format_id == LEGACY.id
    assert earlier.figures == {"disclosure.procurement.amount": Decimal(180000)}
    assert store.report_for_year(town.id, 2019) is None
    assert store.previous_report(town.id, 2020) is None
    assert store.years(town.id) == [2020, 2023]  # look-ups never create reports


def _imported(year: int = 2024) -> Report:
    return Report(
        organisation="信丰县大塘埠镇人民政府",
        year=year,
        figures={NEW_BY_PERSON: Decimal(2), "applications.new.total": Decimal(2)},
        texts={"problems": "无。"},
    )


def test_save_imported_replaces_the_draft(
    store: Store, draft: StoredReport, town: Organisation
) -> None:
    store.write_figures(
        draft.id, {NEW_BY_PERSON: Decimal(9), NEW_BY_BUSINESS: Decimal(1)}, person_id=CLERK_ID
    )
    store.write_text(draft.id, "overview.active", "草稿。", person_id=CLERK_ID)

    saved = store.save_imported(
        town.id, 2024, _imported(), person_id=OTHER_CLERK_ID, source="file:a.docx"
    )

    assert saved.id == draft.id and saved.status == ReportStatus.IMPORTED
    assert saved.version == 3
    loaded = store.load(draft.id)
    assert loaded.figures == _imported().figures
    assert loaded.texts == _imported().texts
    imported_entries = [e for e in store.audit_log(draft.id) if e.source == "file:a.docx"]
    assert {(e.target, e.old, e.new) for e in imported_entries} == {
        (NEW_BY_PERSON, "9", "2"),
        (NEW_BY_BUSINESS, "1", None),
        ("applications.new.total", None, "2"),
        ("text:problems", None, "无。"),
        ("text:overview.active", "草稿。", None),
        ("status", "draft", "imported"),
    }
    assert {e.person_id for e in imported_entries} == {OTHER_CLERK_ID}


def test_save_imported_creates_a_report_and_may_change_its_format(
    store: Store, town: Organisation, clerks: tuple[int, int]
) -> None:
    created = store.save_imported(town.id, 2022, _imported(2022), person_id=CLERK_ID)
    assert created.format_id == CURRENT.id and created.status == ReportStatus.IMPORTED
    assert store.load(created.id).figures == _imported(2022).figures

    legacy = Report(
        organisation="信丰县大塘埠镇人民政府",
        year=2022,
        format_id=LEGACY.id,
        figures={"disclosure.procurement.amount": Decimal(180000)},
    )
    replaced = store.save_imported(town.id, 2022, legacy, person_id=CLERK_ID)

    assert replaced.id == created.id and replaced.format_id == LEGACY.id
    assert store.load(created.id).figures == legacy.figures
    assert ("format", "current", "legacy") in [
        (e.target, e.old, e.new) for e in store.audit_log(created.id)
    ]
    with pytest.raises(ValueError):
        store.save_imported(town.id, 2023, _imported(2022), person_id=CLERK_ID)


def test_accepted_warnings_are_kept_and_audited(store: Store, draft: StoredReport) -> None:
    assert store.accepted_warnings(draft.id) == {}
    store.accept_warning(draft.id, "yoy.applications", "今年新设政务服务中心。", person_id=CLERK_ID)
    store.accept_warning(draft.id, "yoy.applications", "今年新设政务服务中心。", person_id=CLERK_ID)
    store.accept_warning(draft.id, "fees.zero", "未收取信息处理费。", person_id=OTHER_CLERK_ID)

    assert store.accepted_warnings(draft.id) == {
        "yoy.applications": "今年新设政务服务中心。",
        "fees.zero": "未收取信息处理费。",
    }
    store.withdraw_warning(draft.id, "fees.zero", person_id=CLERK_ID)
    assert store.accepted_warnings(draft.id) == {"yoy.applications": "今年新设政务服务中心。"}
    assert [(e.target, e.new) for e in store.audit_log(draft.id)] == [
        ("warning:yoy.applications", "今年新设政务服务中心。"),
        ("warning:fees.zero", "未收取信息处理费。"),
        ("warning:fees.zero", None),
    ]


def test_last_activity_follows_the_latest_change(
    store: Store, draft: StoredReport, clock: Clock
) -> None:
    assert store.last_activity(draft.id) is None
    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(1)}, person_id=CLERK_ID)
    clock.advance(hours=2)
    store.write_figures(draft.id, {NEW_BY_PERSON: Decimal(1)}, person_id=CLERK_ID)  # no change
    assert store.last_activity(draft.id) == START
    moved = clock.advance(hours=1)
    store.write_text(draft.id, "problems", "无。", person_id=CLERK_ID)
    assert store.last_activity(draft.id) == moved
