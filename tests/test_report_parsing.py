"""Reading what a clerk types for a figure or a whole row."""

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report.formats import CURRENT, LEGACY
from report.parsing import (
    FigureError,
    example_row,
    is_only_figures,
    parse_figure,
    parse_row,
    row_total,
)

APPLICANTS = LEGACY.table("applications").blocks[0].entered_columns
COUNT = APPLICANTS[0]
FEE_WAN = CURRENT.cell("disclosure.fees.amount").column
PROCUREMENT = LEGACY.table("disclosure").blocks[4].columns
CHANGE_ROW = LEGACY.table("disclosure").blocks[1].columns

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("58", 58),
        ("５８", 58),
        ("1,234", 1234),
        ("三十五", 35),
        ("一百零二", 102),
        ("两千", 2000),
        ("9个", 9),
        ("12件", 12),
        ("3条", 3),
        ("2笔", 2),
        ("无", 0),
        ("没有", 0),
        ("零", 0),
        ("0", 0),
        (" 7 ", 7),
        ("7。", 7),
        ("1.2万", 12000),
    ],
)
def test_counts(text, expected):
    assert parse_figure(text, COUNT) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5", "12.5"),
        ("12.5万元", "12.5"),
        ("180000元", "18"),
        ("十二万", "12"),
        ("１２．５", "12.5"),
        ("0.0001", "0.0001"),
        ("无", "0"),
    ],
)
def test_amounts_are_converted_to_the_cells_unit(text, expected):
    assert parse_figure(text, FEE_WAN) == Decimal(expected)


def test_whole_rows_in_one_message():
    assert parse_row("58 7 0 0 1 0", APPLICANTS) == (58, 7, 0, 0, 1, 0)
    assert parse_row("58，7，0，0，1，0", APPLICANTS) == (58, 7, 0, 0, 1, 0)
    assert parse_row("58,7,0,0,1,0", APPLICANTS) == (58, 7, 0, 0, 1, 0)
    assert parse_row("58、7、0、0、1、0。", APPLICANTS) == (58, 7, 0, 0, 1, 0)
    assert parse_row("1,234 5 0 0 0 0", APPLICANTS) == (1234, 5, 0, 0, 0, 0)
    assert parse_row("无", APPLICANTS) == (0,) * 6
    assert parse_row("全0", APPLICANTS) == (0,) * 6
    assert parse_row("9个 180000元", PROCUREMENT) == (9, 180000)
    assert parse_row("9 12.5万元", PROCUREMENT) == (9, 125000)
    assert parse_row("3 -2 5", CHANGE_ROW) == (3, -2, 5)
    assert parse_row("3 减少2 5", CHANGE_ROW) == (3, -2, 5)


@pytest.mark.parametrize(
    ("text", "columns", "says"),
    [
        ("-3", [COUNT], "不能是负数"),
        ("58 -7 0 0 1 0", APPLICANTS, "第2个数（商业企业）：“商业企业”不能是负数"),
        ("2.5", [COUNT], "只能填整数"),
        ("1.23456", [FEE_WAN], "最多保留4位小数"),
        ("2000000", [COUNT], "超过了合理范围"),
        (
            "1 2 3",
            APPLICANTS,
            "这一行要填6个数，依次是：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他。您填了3个",
        ),
        ("不清楚", [COUNT], "“不清楚”不是数字"),
        ("180000元", [COUNT], "是数量，不是金额"),
        ("9件", [FEE_WAN], "是金额（单位：万元）"),
        ("", [COUNT], "没有收到数字"),
        ("x" * 20_000_000, APPLICANTS, "内容太长了"),
    ],
)
def test_refusals_say_what_is_expected_with_an_example(text, columns, says):
    with pytest.raises(FigureError) as caught:
        parse_row(text, columns)
    assert says in caught.value.message
    assert "例如" in caught.value.message or "核对" in caught.value.message


def test_example_row_matches_the_columns():
    assert example_row(APPLICANTS) == "3 0 0 0 0 0"
    assert parse_row(example_row(APPLICANTS), APPLICANTS) == (3, 0, 0, 0, 0, 0)
    assert parse_row(example_row(PROCUREMENT), PROCUREMENT) == (3, 0)


# --- properties ---------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=1_000_000)


@given(counts, st.sampled_from(["ascii", "full", "grouped", "chinese", "unit"]))
def test_every_way_of_writing_a_count_reads_back(value, style):
    text = {
        "ascii": str(value),
        "full": str(value).translate(FULL_WIDTH),
        "grouped": f"{value:,}",
        "chinese": cn2an.an2cn(value) if value else "零",
        "unit": f"{value}件",
    }[style]
    assert parse_figure(text, COUNT) == value


@given(st.lists(counts, min_size=6, max_size=6), st.sampled_from([" ", "，", ",", "、", "  "]))
def test_rows_read_back_with_any_separator(values, separator):
    assert parse_row(separator.join(map(str, values)), APPLICANTS) == tuple(values)


@given(
    st.decimals(min_value=0, max_value=100_000_000, places=4, allow_nan=False, allow_infinity=False)
)
def test_amounts_in_wan_yuan_read_back_and_from_yuan(amount):
    assert parse_figure(f"{amount:f}", FEE_WAN) == amount
    assert parse_figure(f"{amount * 10000:f}元", FEE_WAN) == amount


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_text_is_a_figure_or_a_figure_error(text):
    for columns in (APPLICANTS, [COUNT], [FEE_WAN], PROCUREMENT, CHANGE_ROW):
        try:
            values = parse_row(text, columns)
        except FigureError as error:
            assert error.message
        else:
            assert len(values) == len(columns)
            for value, column in zip(values, columns, strict=True):
                assert column.signed or value >= 0
                assert abs(value) <= column.maximum


# --- what clerks really type (issue 13) ---------------------------------------------------------

CURRENT_BLOCK = CURRENT.table("applications").blocks[0]
CURRENT_APPLICANTS = CURRENT_BLOCK.entered_columns
APPLICANTS_TOTAL = row_total(CURRENT_APPLICANTS, CURRENT_BLOCK.columns)
APPEALS_BLOCK = CURRENT.table("appeals").blocks[0]
REVIEW = tuple(c for c in APPEALS_BLOCK.entered_columns if c.id.startswith("review."))


@pytest.mark.parametrize(
    "text",
    [
        "25, 3, 0, 0, 1, 0",
        "25 ,3 ,0 ,0 ,1 ,0",
        "25，3，0，0，1，0",
        "25， 3， 0， 0， 1， 0",
        "25、3、0、0、1、0",
        "25；3；0；0；1；0",
        "25;3;0;0;1;0",
        "25\t3\t0\t0\t1\t0",
        "25,3, 0,0 1、0",
        "  25   3 0 0 1 0。",
    ],
)
def test_every_separator_mix_a_clerk_types(text):
    assert parse_row(text, CURRENT_APPLICANTS) == (25, 3, 0, 0, 1, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十二点五", "12.5"),
        ("十二点五万元", "12.5"),
        ("十二点五万", "12.5"),
        ("12.5万元整", "12.5"),
        ("125000元整", "12.5"),
        ("1250元", "0.125"),
        ("3元", "0.0003"),
    ],
)
def test_chinese_decimals_zheng_and_yuan_into_wan_yuan(text, expected):
    assert parse_figure(text, FEE_WAN) == Decimal(expected)


def test_yuan_finer_than_a_wan_yuan_cell_holds_is_refused_with_the_nearest_amount():
    with pytest.raises(FigureError) as caught:
        parse_figure("12.5元", FEE_WAN)
    message = caught.value.message
    # Names what was typed, what it is in the cell's unit, and what can be entered instead;
    # no bare "最多保留4位小数" that would puzzle a clerk who typed one decimal.
    assert "12.5元折合0.00125万元" in message
    assert "精确到1元" in message
    assert "13元" in message and "0.0013万元" in message
    assert "如本意是12.5万元，请直接填 12.5" in message
    # The suggestions it makes are accepted.
    assert parse_figure("13元", FEE_WAN) == Decimal("0.0013")
    assert parse_figure("12.5", FEE_WAN) == Decimal("12.5")


def test_a_yuan_cell_keeps_fen():
    assert parse_row("2 1234.56元", PROCUREMENT) == (2, Decimal("1234.56"))
    with pytest.raises(FigureError) as caught:
        parse_row("2 1234.567", PROCUREMENT)
    assert "精确到1分" in caught.value.message


def test_a_row_with_its_total_is_accepted_when_the_total_is_right():
    assert APPLICANTS_TOTAL is not None and APPLICANTS_TOTAL.id == "total"
    assert parse_row("25 3 0 0 1 0 29", CURRENT_APPLICANTS, APPLICANTS_TOTAL) == (
        25,
        3,
        0,
        0,
        1,
        0,
    )
    for text in ("25 3 0 0 1 0 总计29", "25 3 0 0 1 0 总计 29", "25，3，0，0，1，0，合计：29"):
        assert parse_row(text, CURRENT_APPLICANTS, APPLICANTS_TOTAL) == (25, 3, 0, 0, 1, 0)
    review_total = row_total(REVIEW, APPEALS_BLOCK.columns)
    assert review_total is not None and review_total.id == "review.total"
    assert parse_row("1 0 0 1 2", REVIEW, review_total) == (1, 0, 0, 1)


def test_a_row_with_a_wrong_total_is_refused_naming_the_total():
    with pytest.raises(FigureError) as caught:
        parse_row("25 3 0 0 1 0 30", CURRENT_APPLICANTS, APPLICANTS_TOTAL)
    message = caught.value.message
    assert "最后一个是“总计”" in message
    assert "之和是29" in message and "您填的总计是30" in message
    assert "总计由系统自动计算" in message
    assert "例如：25 3 0 0 1 0" in message


def test_a_row_too_long_by_one_says_the_total_need_not_be_typed():
    with pytest.raises(FigureError) as caught:
        parse_row("25 3 0 0 1 0 29 1", CURRENT_APPLICANTS, APPLICANTS_TOTAL)
    assert "“总计”由系统自动计算，可以不填" in caught.value.message
    assert "您填了8个" in caught.value.message


@pytest.mark.parametrize("text", ["abc", "不清楚", "本年度未收到申请", "25 3 abc"])
def test_a_word_in_a_row_is_called_not_a_number(text):
    with pytest.raises(FigureError) as caught:
        parse_row(text, CURRENT_APPLICANTS, APPLICANTS_TOTAL)
    message = caught.value.message
    assert "不是数字" in message
    assert "您填了" not in message
    assert "例如：3 0 0 0 0 0" in message


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("1 0 3", True),
        ("25，3，0，0，1，0", True),
        ("58,7,0", True),
        ("１２", True),
        ("-2", True),
        ("2024", True),
        ("无", False),
        ("一 二 三", False),
        ("本年度收到申请3件", False),
        ("本年度未收取信息处理费。", False),
        ("", False),
        ("  ", False),
        ("，，", False),
    ],
)
def test_a_message_of_only_figures_is_told_apart_from_narrative(text, only):
    assert is_only_figures(text) is only


@given(
    st.lists(counts, min_size=6, max_size=6),
    st.lists(
        st.sampled_from([" ", "，", ", ", " ,", "、", "；", "\t", "  ", "， "]),
        min_size=5,
        max_size=5,
    ),
)
def test_rows_read_back_with_any_mix_of_separators(values, separators):
    text = str(values[0]) + "".join(s + str(v) for s, v in zip(separators, values[1:], strict=True))
    assert parse_row(text, CURRENT_APPLICANTS, APPLICANTS_TOTAL) == tuple(values)
    total = sum(values)
    assert parse_row(f"{text} {total}", CURRENT_APPLICANTS, APPLICANTS_TOTAL) == tuple(values)
    assert is_only_figures(text)


@given(st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False))
def test_any_yuan_amount_is_converted_exactly_or_refused_with_a_clear_message(yuan):
    try:
        value = parse_figure(f"{yuan:f}元", FEE_WAN)
    except FigureError as error:
        assert yuan != yuan.to_integral_value()
        assert "不足1元的部分填不进表格" in error.message
    else:
        assert value * 10000 == yuan


@settings(max_examples=300)
@given(st.text(alphabet="0123456789 ,，、；总计合:：.-万元整abc十二点五", max_size=40))
def test_any_row_with_a_total_is_figures_or_a_figure_error(text):
    try:
        values = parse_row(text, CURRENT_APPLICANTS, APPLICANTS_TOTAL)
    except FigureError as error:
        assert error.message
    else:
        assert len(values) == len(CURRENT_APPLICANTS)
        assert all(0 <= v <= c.maximum for v, c in zip(values, CURRENT_APPLICANTS, strict=True))
