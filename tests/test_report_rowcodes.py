"""Reaching any row by typing its code with its figures (issue 13)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.plan import RowQuestion, plan_for
from report.formats import CURRENT, LEGACY
from report.parsing import FigureError
from report.rowcodes import find_target, read_row_code, row_targets


def read(text, fmt=CURRENT):
    coded = read_row_code(text, fmt)
    return None if coded is None else (coded.target.code, coded.figures)


@pytest.mark.parametrize(
    ("text", "code", "figures"),
    [
        ("三（三）5 0 0 1 0 0 0", "三（三）5", (0, 0, 1, 0, 0, 0)),
        ("四 2 1 0 0 1 0", "四", (2, 1, 0, 0, 1, 0)),
        ("3(3)5 0 0 1 0 0 0", "三（三）5", (0, 0, 1, 0, 0, 0)),
        ("３（３）５　０　０　１　０　０　０", "三（三）5", (0, 0, 1, 0, 0, 0)),
        ("三(三)五 0 0 1 0 0 0", "三（三）5", (0, 0, 1, 0, 0, 0)),
        ("四、2、1、0、0、1、0", "四", (2, 1, 0, 0, 1, 0)),
        ("四：2 1 0 0 1 0", "四", (2, 1, 0, 0, 1, 0)),
        ("三（三）5：0 0 1 0 0 0", "三（三）5", (0, 0, 1, 0, 0, 0)),
        ("一 25 3 0 0 1 0", "一", (25, 3, 0, 0, 1, 0)),
        ("三（一）25 3 0 0 1 0", "三（一）", (25, 3, 0, 0, 1, 0)),
        ("三（四）1 10，2，1，1，1，1", "三（四）1", (10, 2, 1, 1, 1, 1)),
        ("二（一）2 1 0 5", "二（一）2", (1, 0, 5)),
        ("规章 1 0 3", "二（一）1", (1, 0, 3)),
        ("规范性文件 1 0 5", "二（一）2", (1, 0, 5)),
        ("二（五） 120", "二（五）", (120,)),
        ("行政许可 120", "二（五）", (120,)),
        ("行政复议 1 0 0 1", "行政复议", (1, 0, 0, 1)),
        ("直接起诉 0 0 0 0", "未经复议直接起诉", (0, 0, 0, 0)),
    ],
)
def test_a_code_with_its_figures_names_the_row(text, code, figures):
    assert read(text) == (code, tuple(Decimal(f) for f in figures))


@pytest.mark.parametrize(
    "text",
    [
        "一 0 0 0 0 0",  # six figures, the first in a Chinese numeral
        "十六 一 0 0 0 0",
        "一 0 0 0 0 0 1",  # six figures and their 总计
        "4 2 1 0 0 1 0",  # Arabic digits alone are figures, never a code
        "三 5 0 0 0 0 0",  # 三 is a heading, not a row
        "四 2 1 0 0 1",  # one figure short
        "四 2 1 0 0 1 0 0",  # one figure too many
        "25 3 0 0 1 0",
        "本年度收到申请 3 件",
        "四",
        "",
    ],
)
def test_anything_else_is_not_a_code(text):
    assert read(text) is None


def test_a_clear_code_with_a_bad_figure_is_refused_naming_the_row():
    with pytest.raises(FigureError) as caught:
        read_row_code("三（三）5 0 0 -1 0 0 0", CURRENT)
    message = caught.value.message
    assert "三（三）5" in message and "属于三类内部事务信息" in message
    assert "不能是负数" in message


@pytest.mark.parametrize("fmt", [CURRENT, LEGACY])
def test_every_row_question_has_exactly_one_code_and_it_finds_the_question(fmt):
    questions = {q.key: q for q in plan_for(fmt) if isinstance(q, RowQuestion)}
    targets = row_targets(fmt)
    assert sorted(t.key for t in targets) == sorted(questions)
    assert len({t.code for t in targets}) == len(targets)
    for target in targets:
        assert find_target(target.code, fmt) == target
        assert target.cells == questions[target.key].cells


def test_the_legacy_format_derives_its_own_codes():
    assert find_target("二（九）", LEGACY).label == "政府集中采购"
    assert find_target("二（五）2", LEGACY).label == "其他对外管理服务事项"
    assert find_target("二（五）", LEGACY) is None  # two rows there: say which
    assert find_target("三（六）", LEGACY).cells[0] == "applications.other.natural_person"
    assert find_target("三（六）3", LEGACY) is None


@given(st.sampled_from(row_targets(CURRENT)), st.data())
def test_any_row_typed_with_its_code_reads_back(target, data):
    figures = data.draw(
        st.lists(st.integers(0, 999), min_size=len(target.columns), max_size=len(target.columns))
    )
    coded = read_row_code(target.code + " " + " ".join(map(str, figures)), CURRENT)
    assert coded is not None
    assert coded.target == target
    assert coded.figures == tuple(figures)


@given(st.lists(st.sampled_from("零一二两三四五六七八九十"), min_size=1, max_size=3), st.data())
def test_a_row_of_chinese_numerals_stays_figures(first, data):
    rest = data.draw(st.lists(st.integers(0, 99), min_size=5, max_size=5))
    text = "".join(first) + " " + " ".join(map(str, rest))
    assert read_row_code(text, CURRENT) is None


@given(st.text(max_size=60))
def test_any_text_is_a_coded_row_none_or_a_figure_error(text):
    for fmt in (CURRENT, LEGACY):
        try:
            coded = read_row_code(text, fmt)
        except FigureError as error:
            assert error.message
        else:
            if coded is not None:
                assert len(coded.figures) == len(coded.target.columns)
