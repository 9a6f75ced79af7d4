"""Which row an error points at: the ranking shared by the error message and /review."""

import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from report.fixes import identity_terms, may_offer_balance, rank_fix_rows
from report.formats import CURRENT
from report.parsing import parse_row
from report.rowcodes import find_target
from report.rules import check, errors
from report.values import Report

# A district report with 66 applications, typed as a clerk types it: 一, 二, the result rows
# that hold figures, zeros elsewhere, then 四. The clerk typed 三（四）1 as 25 3 0 0 0 0
# instead of 25 3 0 0 1 0 (the legal-service application left out).
TYPED = {
    "一": "50 10 2 1 2 1",
    "二": "0 0 0 0 0 0",
    "三（一）": "12 5 1 0 1 0",
    "三（二）": "5 1 0 0 0 0",
    "三（三）4": "2 0 0 0 0 0",
    "三（四）1": "25 3 0 0 0 0",  # the slip: 25 3 0 0 1 0
    "三（四）2": "2 0 0 0 0 0",
    "三（五）1": "2 1 0 0 0 1",
    "三（六）3": "1 0 0 0 0 0",
}
CARRIED_FORWARD = "1 0 1 1 0 0"


def district(typed=TYPED, carried_forward=CARRIED_FORWARD):
    report = Report(organisation="某市某区人民政府", year=2024)
    figures = {}
    order = []
    for target in (t for t in _table3_targets()):
        text = typed.get(target.code, "0 0 0 0 0 0")
        if target.code == "四":
            continue
        figures.update(zip(target.cells, parse_row(text, target.columns), strict=True))
        order.append(target.key)
    four = find_target("四", CURRENT)
    figures.update(zip(four.cells, parse_row(carried_forward, four.columns), strict=True))
    order.append(four.key)
    return report.with_figures(figures), list(reversed(order))


def _table3_targets():
    from report.rowcodes import row_targets

    return [t for t in row_targets(CURRENT) if t.table_id == "applications"]


def test_the_mistyped_row_and_four_rank_first_not_rows_of_zeros():
    report, recent = district()
    problems = errors(check(report))
    assert [v.key for v in problems] == ["balance.legal_service"]
    four = find_target("四", CURRENT).key
    ranked = rank_fix_rows(report, problems, just_entered={four}, recent=recent)
    codes = [c.target.code for c in ranked]
    # 四, just entered, and the mistyped row, the result row holding most applications (the
    # likeliest home of the one left out), rank first.
    assert codes[:2] == ["四", "三（四）1"]
    assert ranked[0].fixes_all and ranked[1].fixes_all
    # Every result row holding figures comes before any row of zeros.
    holding = [
        "三（一）",
        "三（二）",
        "三（三）4",
        "三（四）1",
        "三（四）2",
        "三（五）1",
        "三（六）3",
    ]
    zero_rows = [c for c in codes if TYPED.get(c, "0 0 0 0 0 0") == "0 0 0 0 0 0" and c != "四"]
    assert max(codes.index(c) for c in holding) < min(codes.index(c) for c in zero_rows)
    # 一 could also be lowered by 1, but a figure left out of the results is the usual slip.
    assert codes.index("一") > max(codes.index(c) for c in holding)
    # The correction is the missing 1 in the legal-service column.
    slip = next(c for c in ranked if c.target.code == "三（四）1")
    assert slip.correction == (("applications.unavailable.not_held.legal_service", Decimal(1)),)
    assert slip.fixes_all
    # 二 is 0 in that column: lowering it is impossible, so it is not offered at all.
    assert "二" not in codes


def test_a_row_that_fixes_two_columns_at_once_ranks_above_rows_that_fix_one():
    typed = dict(TYPED)
    # 三（二） should be 5 1 0 0 0 1: the 1 went under 其他 instead of 商业企业.
    typed["三（二）"] = "5 0 0 0 0 2"
    typed["三（五）1"] = "2 1 0 0 0 0"
    report, recent = district(typed, carried_forward="1 0 1 1 1 0")
    problems = errors(check(report))
    assert {v.key for v in problems} == {"balance.business", "balance.other_org"}
    ranked = rank_fix_rows(report, problems, recent=recent)
    assert ranked[0].target.code == "三（二）"
    assert ranked[0].fixes_all
    assert dict(ranked[0].correction) == {
        "applications.partly_granted.business": Decimal(1),
        "applications.partly_granted.other_org": Decimal(1),
    }
    # Only a row holding both cells can fix both: 一 (lowered in one, raised in the other)
    # comes after the result row; 四 cannot lower its 0 under 其他 and fixes one of the two.
    assert [c.target.code for c in ranked if c.fixes_all] == ["三（二）", "一"]
    four = next(c for c in ranked if c.target.code == "四")
    assert four.fixed == 1 and not four.fixes_all


def test_the_rows_just_entered_are_always_listed():
    report, recent = district()
    problems = errors(check(report))
    granted = find_target("三（一）", CURRENT).key
    research = find_target("二（一）1", CURRENT).key  # a table-2 row, unrelated
    ranked = rank_fix_rows(report, problems, just_entered={granted, research}, recent=recent)
    keys = [c.key for c in ranked]
    assert keys[0] == granted
    assert research in keys
    assert not next(c for c in ranked if c.key == research).fixed


def test_the_balance_is_not_offered_while_a_result_row_error_is_open():
    report, _ = district()
    assert not may_offer_balance(report, check(report))
    right, _ = district({**TYPED, "三（四）1": "25 3 0 0 1 0"})
    assert check(right) == []
    assert may_offer_balance(right, check(right))


def test_identity_terms_are_read_from_the_rules():
    report, _ = district()
    (violation,) = errors(check(report))
    terms = identity_terms(CURRENT, violation)
    assert terms["applications.new.legal_service"] == 1
    assert terms["applications.carried_forward.legal_service"] == -1
    assert terms["applications.unavailable.not_held.legal_service"] == -1
    results = CURRENT.column_addends("applications.results_total.legal_service")
    assert len(results) == 21
    assert len(terms) == 2 + len(results) + 1


def test_ranking_a_whole_table_stays_quick():
    report, recent = district()
    problems = errors(check(report))
    started = time.perf_counter()
    rank_fix_rows(report, problems, recent=recent)
    # Generous: it re-runs the rules once per candidate row (about 25).
    assert time.perf_counter() - started < 5


def test_what_the_narrative_states_points_past_four_to_the_result_rows():
    report, recent = district()
    text = "本年度共收到政府信息公开申请66件，办结63件，结转下年度3件。"
    report = report.model_copy(update={"texts": {"overview.requests": text}})
    problems = check(report)
    assert {v.key for v in problems} == {"balance.legal_service", "narrative.results"}
    four = find_target("四", CURRENT).key
    ranked = rank_fix_rows(report, problems, just_entered={four}, recent=recent)
    full = [c.target.code for c in ranked if c.fixes_all]
    # Adding the missing 1 to a result row settles the balance and the 办结 the text states;
    # 四 would break 结转下年度3件 and 一 would break 收到…66件.
    assert "三（四）1" in full and "四" not in full and "一" not in full
    assert all(c.fixes_all for c in ranked[: len(full)])
    by_code = {c.target.code: c for c in ranked}
    assert (by_code["四"].fixed, by_code["四"].broken) == (1, 1)
    assert (by_code["一"].fixed, by_code["一"].broken) == (1, 1)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_single_slip_in_a_balanced_table_is_found_and_undone(data):
    # A balanced table 3 (random figures, 四 by the balance), then one figure mistyped.
    results = CURRENT.column_addends("applications.results_total.natural_person")
    figures = {c.id: Decimal(0) for c in CURRENT.table("applications").cells if not c.computed}
    for column in ("natural_person", "business"):
        for row in data.draw(st.lists(st.sampled_from(results), max_size=4), label=column):
            cell = row.rsplit(".", 1)[0] + "." + column
            figures[cell] += data.draw(st.integers(1, 5))
        total = sum(figures[r.rsplit(".", 1)[0] + "." + column] for r in results)
        forward = data.draw(st.integers(0, 3))
        figures[f"applications.carried_forward.{column}"] = Decimal(forward)
        figures[f"applications.new.{column}"] = total + forward
    report = Report(organisation="某市某区人民政府", year=2024, figures=figures)
    assert check(report) == []
    slipped = data.draw(st.sampled_from(sorted(c for c in figures if figures[c] or "new" in c)))
    wrong = figures[slipped] + data.draw(st.sampled_from([-1, 1, 2]))
    if wrong < 0:
        wrong = figures[slipped] + 1
    broken = report.with_figures({slipped: wrong})
    problems = errors(check(broken))
    assert problems
    ranked = rank_fix_rows(broken, problems)
    fixing = [c for c in ranked if c.fixes_all]
    slip = next(c for c in fixing if slipped in c.target.cells)
    assert dict(slip.correction) == {slipped: figures[slipped]}
    assert ranked[0].fixes_all
