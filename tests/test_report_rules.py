"""Every rule: the seed passes them all; each one, broken, gives its exact violation."""

from decimal import Decimal as D

import pytest

from report.formats import CURRENT, LEGACY
from report.rules import Severity, check, errors, rules_for, warnings
from report.values import Report
from tests.seed import seed_report


def zeros(fmt=CURRENT, year=2024, **texts) -> Report:
    return Report(
        organisation="某县某局",
        year=year,
        format_id=fmt.id,
        figures={c.id: D(0) for c in fmt.entered_cells},
        texts=texts,
    )


def only(violations, key):
    found = [v for v in violations if v.key == key]
    assert len(found) == 1, [v.key for v in violations]
    return found[0]


def test_the_seed_passes_every_rule():
    assert check(seed_report()) == []
    assert check(seed_report(), previous=seed_report().model_copy(update={"year": 2019})) == []


def test_each_format_declares_each_rule_once():
    for fmt in (CURRENT, LEGACY):
        keys = [r.key for r in rules_for(fmt)]
        assert len(keys) == len(set(keys))
        assert {r.kind for r in rules_for(fmt) if r.severity is Severity.ERROR} == {
            "valid",
            "balance",
            "row_total",
            "column_total",
            "appeal_total",
        }
    assert any(r.kind == "in_force" for r in rules_for(CURRENT))
    assert not any(r.kind == "items" for r in rules_for(CURRENT))
    assert any(r.kind == "items" for r in rules_for(LEGACY))


def test_balance_r1_names_the_column_and_both_sides():
    report = zeros().with_figures(
        {
            "applications.new.business": D(5),
            "applications.carried_over.business": D(1),
            "applications.granted.business": D(3),
            "applications.carried_forward.business": D(1),
        }
    )
    (violation,) = check(report)
    assert violation.key == "balance.business"
    assert violation.severity is Severity.ERROR
    assert (violation.left.value, violation.right.value) == (6, 4)
    assert violation.describe() == (
        "申请数量勾稽关系（第一项＋第二项＝第三项＋第四项）：“商业企业”栏 一＋二为 6，三（七）总计＋四为 4，相差 2。"
    )
    assert "applications.new.business" in violation.cells
    assert "applications.unavailable.not_held.business" in violation.cells


def test_balance_is_not_checked_until_every_cell_of_it_is_known():
    report = zeros()
    figures = dict(report.figures)
    figures["applications.new.natural_person"] = D(4)
    del figures["applications.unavailable.unclear.natural_person"]
    partial = report.model_copy(update={"figures": figures})
    assert check(partial) == []
    assert only(
        check(partial.with_figures({"applications.unavailable.unclear.natural_person": D(0)})),
        "balance.natural_person",
    )


def test_balance_of_the_total_column_checks_printed_totals():
    report = zeros().with_figures({"applications.new.total": D(3)})
    found = check(report)
    assert (
        only(found, "row_total.applications.new.total")
        .describe()
        .startswith(
            "总计栏应等于各类申请人之和：表中所填“一、本年新收政府信息公开申请数量·总计”为 3"
        )
    )
    assert only(found, "balance.total").left.value == 3


def test_row_total_r2_and_column_total_r3_only_fire_on_printed_totals():
    report = zeros(LEGACY, 2020).with_figures(
        {
            "applications.granted.natural_person": D(2),
            "applications.new.natural_person": D(2),
            "applications.granted.total": D(3),
            "applications.results_total.natural_person": D(1),
        }
    )
    found = check(report)
    r2 = only(found, "row_total.applications.granted.total")
    assert (r2.left.value, r2.right.value) == (3, 2)
    r3 = only(found, "column_total.applications.results_total.natural_person")
    assert (r3.left.value, r3.right.value) == (1, 2)
    assert r3.title == "（七）总计应等于各项办理结果之和"
    # The balance is checked on the printed （七）总计 (1), never on the rows' sum (2), so its
    # message quotes only printed cells.
    balance = only(found, "balance.natural_person")
    assert (balance.left.value, balance.right.value) == (2, 1)
    assert len(errors(found)) == 3


def test_appeal_totals_r4():
    report = zeros().with_figures(
        {"litigation_after_review.upheld": D(2), "litigation_after_review.total": D(1)}
    )
    violation = only(check(report), "appeal_total.litigation_after_review.total")
    assert (violation.left.value, violation.right.value) == (1, 2)
    assert violation.cells[0] == "litigation_after_review.total"


def test_negative_and_fractional_figures_from_a_document_are_errors():
    report = zeros(LEGACY, 2020).with_figures(
        {
            "applications.new.research": D(-1),
            "disclosure.penalty.decisions": D("2.5"),
            "disclosure.penalty.items_change": D(-3),
        }
    )
    found = [v for v in check(report) if v.kind == "valid"]
    assert sorted(v.cells for v in found) == [
        ("applications.new.research",),
        ("disclosure.penalty.decisions",),
    ]


def test_carry_over_w1_compares_with_last_year():
    last = zeros(year=2023).with_figures(
        {
            "applications.new.natural_person": D(2),
            "applications.carried_forward.natural_person": D(2),
        }
    )
    this = zeros().with_figures(
        {
            "applications.carried_over.natural_person": D(1),
            "applications.granted.natural_person": D(1),
        }
    )
    violation = only(check(this, previous=last), "carry_over.natural_person")
    assert violation.severity is Severity.WARNING
    assert violation.describe() == (
        "上年结转应等于上年报告的“结转下年度继续办理”：二、上年结转政府信息公开申请数量·自然人为 1，"
        "上年报告的“四、结转下年度继续办理·自然人”为 2，相差 1。"
    )
    assert not [v for v in check(this) if v.kind == "carry_over"]


def test_carry_over_works_from_a_legacy_year_into_a_current_one():
    last = zeros(LEGACY, 2020).with_figures(
        {"applications.new.legal_service": D(1), "applications.carried_forward.legal_service": D(1)}
    )
    this = zeros(CURRENT, 2021)
    assert only(check(this, previous=last), "carry_over.legal_service").right.value == 1


def test_in_force_continuity_w2():
    last = zeros(year=2023).with_figures({"disclosure.normative.in_force": D(10)})
    this = zeros().with_figures(
        {
            "disclosure.normative.issued": D(3),
            "disclosure.normative.repealed": D(1),
            "disclosure.normative.in_force": D(11),
        }
    )
    violation = only(check(this, previous=last), "in_force.disclosure.normative")
    assert (violation.left.value, violation.right.value) == (11, 12)
    assert check(this.with_figures({"disclosure.normative.in_force": D(12)}), previous=last) == []
    # A legacy last year has no 现行有效件数: nothing to compare.
    assert not [v for v in check(this, previous=zeros(LEGACY, 2020)) if v.kind == "in_force"]


def test_items_continuity_w4_in_the_legacy_format():
    last = zeros(LEGACY, 2019).with_figures(
        {"disclosure.licensing.items_last_year": D(20), "disclosure.licensing.items_change": D(-2)}
    )
    this = zeros(LEGACY, 2020).with_figures({"disclosure.licensing.items_last_year": D(20)})
    violation = only(check(this, previous=last), "items.disclosure.licensing")
    assert (violation.left.value, violation.right.value) == (20, 18)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("本年度共收到政府信息公开申请5件，均已按时答复。", 5),
        ("全年受理依申请公开三件。", 3),
        ("本年度未收到政府信息公开申请。", 0),
    ],
)
def test_narrative_w3_figures_must_agree_with_the_tables(text, stated):
    figures = {"applications.new.natural_person": D(2), "applications.granted.natural_person": D(2)}
    report = zeros(**{"overview.requests": text}).with_figures(figures)
    violation = only(
        check(report),
        "narrative."
        + (
            "no_applications"
            if stated == 0
            else "applications"
            if "收到" in text
            else "applications_on_request"
        ),
    )
    assert (violation.left.value, violation.right.value) == (stated, 2)
    assert "（二）依申请公开" in violation.left.label
    agreeing = zeros(
        **{"overview.requests": text.replace("5件", "2件").replace("三件", "两件")}
    ).with_figures(figures)
    if stated:
        assert not [v for v in check(agreeing) if v.kind == "narrative"]


def test_narrative_w3_appeals():
    report = zeros(**{"overview.oversight": "全年发生政府信息公开行政复议2件、行政诉讼1件。"})
    found = check(report)
    assert only(found, "narrative.review").left.value == 2
    assert (
        only(found, "narrative.litigation").right.label
        == "表中“未经复议直接起诉·总计＋复议后起诉·总计”"
    )


def test_outlier_w5_asks_to_confirm_tenfold_changes():
    last = zeros(year=2023).with_figures(
        {"disclosure.penalty.decisions": D(12), "disclosure.licensing.decisions": D(300)}
    )
    this = zeros().with_figures(
        {"disclosure.penalty.decisions": D(120), "disclosure.licensing.decisions": D(30)}
    )
    found = warnings(check(this, previous=last))
    assert {v.key for v in found} == {
        "outlier.disclosure.penalty.decisions",
        "outlier.disclosure.licensing.decisions",
    }
    penalty = only(found, "outlier.disclosure.penalty.decisions")
    assert penalty.right.label == "上年" and penalty.right.value == D(12)
    assert "，上年为 12，" in penalty.describe()
    calm = zeros().with_figures(
        {"disclosure.penalty.decisions": D(100), "disclosure.licensing.decisions": D(31)}
    )
    assert check(calm, previous=last) == []
    # Small numbers are not news: 0 -> 5, 1 -> 9.
    assert (
        check(
            zeros().with_figures({"disclosure.penalty.decisions": D(9)}),
            previous=zeros(year=2023).with_figures({"disclosure.penalty.decisions": D(1)}),
        )
        == []
    )


def test_errors_come_before_warnings():
    last = zeros(year=2023).with_figures({"disclosure.penalty.decisions": D(1)})
    this = zeros().with_figures(
        {"disclosure.penalty.decisions": D(100), "review.upheld": D(1), "review.total": D(0)}
    )
    assert [v.severity for v in check(this, previous=last)] == [Severity.ERROR, Severity.WARNING]
