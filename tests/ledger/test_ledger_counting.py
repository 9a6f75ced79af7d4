"""Counting a ledger: the four parts of table 三, questions, explanations and the summary."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_builders import EXPECTED, EXPECTED_TOTALS, HEADERS, YEAR, rows_for

from report.formats import CURRENT, LEGACY
from report.ledger import (
    Application,
    Ledger,
    RowRef,
    Sheet,
    count_ledger,
    explain,
    parse_date,
    read_ledger,
)
from report.ledger_summary import (
    count_rows,
    differences,
    explain_text,
    summarise,
    summary_lines,
)
from report.ledger_wording import (
    APPLICANT_WORDING,
    OUTCOME_WORDING,
    Role,
    applicant_column,
    outcome_candidates,
    outcome_row,
    result_rows,
)
from report.rules import check, errors
from report.values import Report


def sample() -> Ledger:
    return read_ledger([Sheet("台账", tuple(tuple(r) for r in rows_for(HEADERS["plain"])))])


def test_dates_in_every_form() -> None:
    day = date(2024, 3, 5)
    for value in (
        day,
        "2024.3.5",
        "2024年3月5日",
        "2024/03/05",
        "2024-03-05 09:30",
        "2024.03.05",
        "20240305",
        "２０２４．３．５",
        45356,
        45356.4,
        "45356",
    ):
        assert parse_date(value) == day, value
    for blank in (None, "", "—", "/", "无"):
        assert parse_date(blank) is None


def test_each_part_of_the_table_and_the_rows_behind_it() -> None:
    counting = count_ledger(sample(), YEAR, CURRENT)
    assert {c: n for c, n in counting.figures.items() if n} == EXPECTED
    totals = {r.row_id: r.total for r in count_rows(counting)}
    assert {k: totals[k] for k in EXPECTED_TOTALS} == EXPECTED_TOTALS
    # The header is row 1 here; application n is on row n + 1.
    assert explain(counting, "applications.carried_over.legal_service") == (RowRef("台账", 5),)
    assert explain(counting, "applications.carried_forward.total") == (
        RowRef("台账", 6),
        RowRef("台账", 9),
    )
    assert [r.number for r in explain(counting, "applications.results_total.total")] == [
        2,
        3,
        4,
        5,
        10,
        11,
    ]
    assert explain_text(counting, "applications.new.research") == (
        "一、本年新收政府信息公开申请数量·科研机构：1件，来自台账第9行。"
    )
    assert {s.row.number: s.reason for s in counting.skipped} == {
        7: "2024年以前已办结，不计入本年度",
        8: "2024年以后收到，不计入本年度",
    }


def test_the_counts_keep_every_rule_of_table_three() -> None:
    counting = count_ledger(sample(), YEAR, CURRENT)
    report = Report(organisation="某镇", year=YEAR, figures=counting.report_figures())
    assert errors(check(report)) == []


def test_the_year_before_and_after_from_the_same_ledger() -> None:
    before = count_ledger(sample(), 2023, CURRENT)
    after = count_ledger(sample(), 2025, CURRENT)
    # What 2023 carries forward is what 2024 carries over, column by column.
    for column in ("legal_service", "other_org"):
        assert before.figures[f"applications.carried_forward.{column}"] == 1
    assert after.figures["applications.carried_over.business"] == 1
    assert after.figures["applications.carried_over.research"] == 1
    assert after.figures["applications.new.natural_person"] == 1
    assert after.figures["applications.carried_forward.natural_person"] == 1


def test_a_legacy_year_counts_a_withdrawal_under_other() -> None:
    rows = rows_for(HEADERS["plain"], [("公民", "2020.3.1", "2020.3.9", "申请人撤回")])
    ledger = read_ledger([Sheet("台账", tuple(tuple(r) for r in rows))])
    counting = count_ledger(ledger, 2020, LEGACY)
    assert counting.figures["applications.other.natural_person"] == 1


def test_unmapped_wording_is_asked_once_per_value_with_candidates() -> None:
    applications = [
        ("个体户", "2024.1.2", "2024.1.9", "不予公开"),
        ("个体户", "2024.2.2", "2024.2.9", "予以公开"),
        ("公民", "2024.3.2", "2024.3.9", "不予公开 "),
        ("公民", "2024.4.2", "", "不予公开(待定)"),  # open: its outcome is never asked
    ]
    rows = rows_for(HEADERS["plain"], applications)
    ledger = read_ledger([Sheet("台账", tuple(tuple(r) for r in rows))])
    counting = count_ledger(ledger, YEAR, CURRENT)
    assert not counting.complete and counting.figures == {}
    asked = {(q.kind, q.value): q for q in counting.questions}
    assert set(asked) == {(Role.APPLICANT, "个体户"), (Role.OUTCOME, "不予公开")}
    applicant = asked[(Role.APPLICANT, "个体户")]
    assert [r.number for r in applicant.rows] == [2, 3]
    assert applicant.candidates[:2] == ("natural_person", "business")
    outcome = asked[(Role.OUTCOME, "不予公开")]
    assert outcome.candidates == tuple(
        f"applications.refused.{leaf}"
        for leaf in (
            "state_secret",
            "prohibited_by_law",
            "three_safeties",
            "third_party",
            "internal_affairs",
            "process_info",
            "enforcement_files",
            "inquiry",
        )
    )
    text = "\n".join(summary_lines(summarise(counting)))
    assert "台账中申请人类型写作“个体户”（第2、3行），应计入表三哪一类申请人？" in text
    assert "可选：（三）不予公开 1.属于国家秘密、" in text
    # Answered (and remembered by the store), nothing is asked again.
    remembered = {
        ("applicant", applicant.key): "business",
        ("outcome", outcome.key): "applications.refused.third_party",
    }
    again = count_ledger(ledger, YEAR, CURRENT, remembered)
    assert again.complete
    assert again.figures["applications.refused.third_party.business"] == 1
    assert again.figures["applications.refused.third_party.natural_person"] == 1
    assert again.figures["applications.carried_forward.natural_person"] == 1


def test_declared_wording_is_conservative() -> None:
    assert applicant_column("公民") == "natural_person"
    assert applicant_column("北京某某律师事务所") == "legal_service"
    assert applicant_column("法人") is None
    assert outcome_row(CURRENT, "同意公开") == "applications.granted"
    assert outcome_row(CURRENT, "不同意公开") is None
    assert outcome_row(CURRENT, "（四）1.本机关不掌握相关政府信息") == (
        "applications.unavailable.not_held"
    )
    assert outcome_row(CURRENT, "政府信息不存在，已告知") == "applications.unavailable.not_held"
    assert outcome_row(CURRENT, "部分公开（涉及个人隐私）") == "applications.partly_granted"
    assert outcome_row(CURRENT, "申请人撤回") == "applications.other.misc"
    assert outcome_row(LEGACY, "申请人撤回") == "applications.other"
    every = outcome_candidates(CURRENT, "已答复")
    assert len(every) == 21 and every == tuple(r.id for r in result_rows(CURRENT))
    # Every declared target is a row or column of the format.
    columns = {c.id for c in CURRENT.table("applications").blocks[0].columns}
    assert set(APPLICANT_WORDING.values()) <= columns
    rows = {r.id for r in CURRENT.table("applications").blocks[0].rows}
    assert set(OUTCOME_WORDING.values()) <= rows


def test_differences_from_figures_already_typed() -> None:
    counting = count_ledger(sample(), YEAR, CURRENT)
    typed = Report(
        organisation="某镇",
        year=YEAR,
        figures={
            "applications.new.natural_person": Decimal(3),
            "applications.new.business": Decimal(2),
            "applications.granted.natural_person": Decimal(0),
        },
    )
    found = differences(counting, typed)
    assert [(d.cell_id, d.current, d.counted) for d in found] == [
        ("applications.new.natural_person", Decimal(3), 2),
        ("applications.granted.natural_person", Decimal(0), 1),
    ]
    lines = summary_lines(summarise(counting, report=typed))
    assert "与报告中表三已填数字不同的有2处：" in lines
    assert "  一、本年新收政府信息公开申请数量·自然人：已填 3，台账统计 2" in lines


def test_last_years_carried_forward_is_checked_like_the_typed_warning() -> None:
    counting = count_ledger(sample(), YEAR, CURRENT)
    last = Report(
        organisation="某镇",
        year=YEAR - 1,
        figures={
            "applications.carried_forward.legal_service": Decimal(1),
            "applications.carried_forward.other_org": Decimal(2),
        },
    )
    summary = summarise(counting, previous=last)
    assert [v.key for v in summary.carry_warnings] == ["carry_over.other_org"]
    assert "上年结转应等于上年报告的“结转下年度继续办理”" in "\n".join(summary_lines(summary))


def test_the_heading_names_the_report_year_and_a_ledger_of_another_year_says_so() -> None:
    same = summary_lines(summarise(count_ledger(sample(), YEAR, CURRENT)))
    assert same[:2] == ["台账读取结果（按2024年度报告统计）", "识别的栏目："]
    assert "共读取申请10件，计入2024年度8件。" in same
    # The 2024 ledger sent while the 2025 report is being filled: counted for 2025, and said.
    other = summary_lines(
        summarise(count_ledger(sample(), YEAR + 1, CURRENT)), other_year="请改用 {year}。"
    )
    assert other[:3] == [
        "台账读取结果（按2025年度报告统计）",
        (
            "⚠️ 台账中的申请大多是2024年收到的（6件），而这里统计的是2025年度报告："
            "只计入2025年收到的申请，以及以前收到、2025年办结或仍在办理的申请。请改用 2024。"
        ),
        "识别的栏目：",
    ]
    assert "共读取申请10件，计入2025年度3件。" in other


# --- properties ------------------------------------------------------------------------------

_APPLICANTS = sorted(APPLICANT_WORDING)
_OUTCOMES = sorted(OUTCOME_WORDING)
_days = st.dates(min_value=date(2022, 6, 1), max_value=date(2026, 6, 1))


@st.composite
def applications(draw: st.DrawFn) -> Application:
    received = draw(_days)
    answered = draw(
        st.one_of(st.none(), st.integers(0, 400).map(lambda d: received + timedelta(d)))
    )
    outcome = draw(st.sampled_from([*_OUTCOMES, "办理中"]))
    return Application(
        RowRef("台账", 0), received, answered, draw(st.sampled_from(_APPLICANTS)), outcome
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(applications(), min_size=1, max_size=40),
    st.integers(0, 2**32),
    st.sampled_from([2023, 2024, 2025]),
)
def test_shuffling_the_rows_never_changes_the_counts(
    drawn: list[Application], seed: int, year: int
) -> None:
    numbered = [
        Application(RowRef("台账", n), a.received, a.answered, a.applicant, a.outcome)
        for n, a in enumerate(drawn, start=2)
    ]
    shuffled = list(numbered)
    random.Random(seed).shuffle(shuffled)
    first = count_ledger(Ledger((), tuple(numbered)), year, CURRENT)
    second = count_ledger(Ledger((), tuple(shuffled)), year, CURRENT)
    assert first.figures == second.figures
    assert first.sources == second.sources
    assert first.complete
    # And the counts always balance: 一 + 二 = 三 + 四, in every applicant column.
    report = Report(organisation="某镇", year=year, figures=first.report_figures())
    assert errors(check(report)) == []


def test_a_templates_empty_numbered_rows_and_a_total_row() -> None:
    rows = [tuple(r) for r in rows_for(HEADERS["plain"])]
    width = len(rows[0])
    tail = [(n, *[""] * (width - 1)) for n in range(11, 16)]
    tail.append(("合计", "", "", "", "", "", "共10件", ""))
    ledger = read_ledger([Sheet("台账", (*rows, *tail))])
    counting = count_ledger(ledger, YEAR, CURRENT)
    assert {c: n for c, n in counting.figures.items() if n} == EXPECTED
    assert [(s.row.number, s.reason) for s in ledger.skipped] == [
        (17, "不是申请记录（没有收到申请日期和申请人类型）")
    ]


def test_a_title_naming_a_column_never_takes_the_place_of_its_header() -> None:
    rows = [
        tuple(r)
        for r in rows_for(("申请人类型", "收到申请时间", "答复日期", "答复结果（同意/不同意）"))
    ]
    title = ("某镇依申请公开答复情况登记表",) * len(rows[0])  # merged across, as calamine fills it
    ledger = read_ledger([Sheet("台账", (title, *rows))])
    outcome = next(c for c in ledger.columns if c.role is Role.OUTCOME)
    assert (outcome.letter, outcome.header) == ("G", "答复结果（同意/不同意）")
    assert {c: n for c, n in count_ledger(ledger, YEAR, CURRENT).figures.items() if n} == EXPECTED


def test_a_ledger_survives_a_trip_through_json() -> None:
    ledger = sample()
    assert Ledger.from_json(ledger.to_json()) == ledger


def test_a_header_repeated_page_by_page_is_skipped() -> None:
    rows = [tuple(r) for r in rows_for(HEADERS["plain"])]
    pasted = (*rows[:6], ("", "", "", "", "", "", "", ""), rows[0], *rows[6:])
    ledger = read_ledger([Sheet("台账", pasted)])
    assert {c: n for c, n in count_ledger(ledger, YEAR, CURRENT).figures.items() if n} == EXPECTED
    assert [(s.row.number, s.reason) for s in ledger.skipped] == [(8, "重复的表头行")]
