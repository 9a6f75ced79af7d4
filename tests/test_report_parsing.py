"""Reading what a clerk types for a figure or a whole row."""

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report.formats import CURRENT, LEGACY
from report.parsing import FigureError, example_row, parse_figure, parse_row

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
