"""The figures a narrative states, read with real reports' wording, and checked against the tables."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report.narrative import stated_figures
from report.rules import check, warnings
from report.values import Report

SENTENCES = Path(__file__).parent / "data" / "narrative-sentences.tsv"


def _sentences():
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        source, sentence, stated = line.split("\t")
        assert source.startswith(("http", "tests/data/")), source
        expected = {}
        for pair in filter(None, stated.split(";")):
            key, value = pair.split("=")
            expected[key] = Decimal(value)
        yield pytest.param(sentence, expected, id=sentence[:20])


@pytest.mark.parametrize(("sentence", "expected"), list(_sentences()))
def test_real_sentences_state_the_figures_they_state(sentence, expected):
    found = {s.wording.id: s.value for s in stated_figures(sentence)}
    assert found == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "按时办结人大代表建议12件、政协提案8件。",
        "全年受理行政许可申请1200件。",
        "共接听12345热线咨询30件，均已答复。",
        "政府信息公开答复率100%。",
        "第3件申请涉及第三方。",
    ],
)
def test_figures_of_other_business_are_not_taken_for_the_tables(sentence):
    assert stated_figures(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        # 平潭综合实验区 2021 (tests/data/real/pingtan-2021.html): a name, in quotes.
        "坚持第一时间登记受理、第一时间转送承办单位和第一时间回复申请的“三个一”工作机制",
        # 张家湾镇 2021 (tests/data/real/zhangjiawan-2021.txt): a number and unit before a noun.
        (
            "本报告内容包括总体概述、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            "政府信息公开行政复议、行政诉讼情况、信息公开工作存在的主要问题及改进情况、"
            "其他报告事项等六个方面。"
        ),
    ],
)
def test_a_number_and_unit_that_names_something_is_not_a_count(sentence):
    assert stated_figures(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全年共受理政府信息公开申请5件次。", {"applications": Decimal(5)}),
        ("主动公开125条政府信息。", {"active": Decimal(125)}),
    ],
)
def test_a_count_may_be_followed_by_what_it_counts(sentence, expected):
    assert {s.wording.id: s.value for s in stated_figures(sentence)} == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The key word after the count names it, before 收到 that introduces applications.
        ("全年收到1件行政复议申请。", {"review": Decimal(1)}),
        ("发生1起政府信息公开行政诉讼。", {"litigation": Decimal(1)}),
        ("共收到申请5件，其中3件已办结。", {"applications": Decimal(5), "results": Decimal(3)}),
        # 办结 before 依申请公开: a result, not a new application.
        ("共办结依申请公开36件。", {"results": Decimal(36)}),
    ],
)
def test_a_key_word_after_the_count_names_it(sentence, expected):
    assert {s.wording.id: s.value for s in stated_figures(sentence)} == expected


def _district(text: str, part: str = "overview.requests") -> Report:
    # 66 received, 0 carried over; results 64, carried forward 4: the balance holds.
    figures = {
        "applications.new.natural_person": Decimal(66),
        "applications.granted.natural_person": Decimal(64),
        "applications.carried_forward.natural_person": Decimal(4),
    }
    report = Report(organisation="某市某区人民政府", year=2024, texts={part: text})
    fmt = report.format
    zeros = {c.id: Decimal(0) for c in fmt.entered_cells}
    return report.with_figures({**zeros, **figures})


def test_the_issues_narrative_against_its_table_names_both_numbers():
    report = _district("本年度共收到政府信息公开申请66件，办结65件，结转下年度3件。")
    found = {v.key: v for v in warnings(check(report))}
    assert set(found) == {"narrative.results", "narrative.carried_forward"}
    results = found["narrative.results"]
    assert (results.left.value, results.right.value) == (65, 64)
    assert "办结65件" in results.describe() and "64" in results.describe()
    assert "（七）总计" in results.right.label
    carried = found["narrative.carried_forward"]
    assert (carried.left.value, carried.right.value) == (3, 4)
    assert "结转下年度继续办理" in carried.right.label
    right = _district("本年度共收到政府信息公开申请66件，办结64件，结转下年度4件。")
    assert not [v for v in check(right) if v.kind == "narrative"]


def test_reviews_and_lawsuits_stated_as_none_are_compared():
    report = _district("未收到因政府信息公开申请引起的行政复议和行政诉讼。", "overview.oversight")
    report = report.with_figures({"review.upheld": Decimal(1)})
    (violation,) = [v for v in check(report) if v.kind == "narrative"]
    assert violation.key == "narrative.review"
    assert (violation.left.value, violation.right.value) == (0, 1)


def test_two_parts_stating_different_disclosure_counts_are_questioned():
    report = _district("全年主动公开政府信息120条。", "overview.summary")
    report = report.model_copy(
        update={"texts": {**report.texts, "overview.active": "通过门户网站主动公开政府信息118条。"}}
    )
    (violation,) = [v for v in check(report) if v.key == "narrative.active"]
    assert (violation.left.value, violation.right.value) == (120, 118)
    assert "总体情况" in violation.left.label and "（一）主动公开" in violation.right.label
    assert violation.cells == ("text:overview.summary", "text:overview.active")


@given(st.text(max_size=200))
def test_any_text_states_figures_or_none_without_failing(text):
    for stated in stated_figures(text):
        assert stated.value >= 0
        assert stated.quote
