"""Shorter prompts: legend, echo, sample wording by office, deadlines that make sense."""

from datetime import date
from decimal import Decimal

import pytest

from dialogs.phrasing import (
    TimingState,
    export_note,
    issued_default,
    legend,
    part_example,
    report_timing,
    row_echo,
    timing_sentence,
)
from report.formats import CURRENT, LEGACY
from report.offices import OfficeKind, classify_office
from report.rowcodes import find_target


def test_the_legend_of_table_three_says_the_columns_once_with_the_total():
    text = legend(CURRENT, "applications")
    assert text.startswith(
        "本表每行依次填6个数：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他（单位：件）"
    )
    assert "“总计”由系统自动计算，不用填" in text
    assert "例如：<code>3 0 0 0 0 0</code>" in text


def test_the_legend_of_table_four_is_one_group_and_table_two_one_line_per_block():
    four = legend(CURRENT, "appeals")
    assert "4个数：结果维持、结果纠正、其他结果、尚未审结" in four
    two = legend(CURRENT, "disclosure").splitlines()
    assert two[0] == "第二十条第（一）项：本年制发件数、本年废止件数、现行有效件数（单位：件）"
    assert len(two) == len(CURRENT.table("disclosure").blocks)
    assert "采购总金额（元）" in legend(LEGACY, "disclosure")


@pytest.mark.parametrize(
    ("code", "values", "says"),
    [
        (
            "三（三）3",
            "3 0 0 0 0 0",
            "已记录 （三）不予公开 › 3.危及“三安全一稳定”：<code>3 0 0 0 0 0</code>，总计 3",
        ),
        ("三（二）", "5 1 0 0 0 1", "已记录 （二）部分公开：<code>5 1 0 0 0 1</code>，总计 7"),
        ("四", "2 1 0 0 1 0", "已记录 四、结转下年度继续办理：<code>2 1 0 0 1 0</code>，总计 4"),
        (
            "三（六）3",
            "1 0 0 0 0 0",
            "已记录 （六）其他处理 › 3.其他：<code>1 0 0 0 0 0</code>，总计 1",
        ),
        ("行政复议", "1 0 0 1", "已记录 行政复议：<code>1 0 0 1</code>，总计 2"),
        ("规章", "1 0 5", "已记录 规章：<code>1 0 5</code>"),
    ],
)
def test_the_echo_names_the_group_and_the_computed_total(code, values, says):
    target = find_target(code, CURRENT)
    assert row_echo(CURRENT, target, [Decimal(v) for v in values.split()]) == says


@pytest.mark.parametrize(
    ("name", "kind", "self_name"),
    [
        ("赣州经济技术开发区蟠龙镇人民政府", OfficeKind.TOWNSHIP, "我镇"),
        ("某县某乡人民政府", OfficeKind.TOWNSHIP, "我乡"),
        ("某市某区某某街道办事处", OfficeKind.TOWNSHIP, "我街道"),
        ("某市某区人民政府", OfficeKind.GOVERNMENT, "我区"),
        ("某某县人民政府", OfficeKind.GOVERNMENT, "我县"),
        ("某市某区人民政府办公室", OfficeKind.DEPARTMENT, "我办"),
        ("某市某区教育局", OfficeKind.DEPARTMENT, "我局"),
        ("某市某区卫生健康委员会", OfficeKind.DEPARTMENT, "我委"),
        ("某市某区政务服务中心", OfficeKind.DEPARTMENT, "我中心"),
        ("某某有限公司", OfficeKind.DEPARTMENT, "本单位"),
    ],
)
def test_the_kind_of_office_is_read_from_its_full_name(name, kind, self_name):
    office = classify_office(name)
    assert (office.kind, office.self_name) == (kind, self_name)


def test_a_district_bureau_is_not_shown_township_wording():
    summary = CURRENT.part("overview.summary")
    bureau = part_example(summary, "某市某区教育局")
    assert "我局" in bureau and "我镇" not in bureau
    district = part_example(summary, "某市某区人民政府")
    assert "我区" in district and "区委、区政府" in district
    assert "我镇" in part_example(summary, "赣州经济技术开发区蟠龙镇人民政府")
    # Parts without a kind-specific example keep the format's own.
    other = CURRENT.part("other_matters")
    assert part_example(other, "某市某区教育局") == other.example


@pytest.mark.parametrize(
    ("year", "today", "state", "says"),
    [
        (2025, date(2026, 1, 8), TimingState.AHEAD, "还有23天"),
        (2025, date(2026, 1, 31), TimingState.TODAY, "今天"),
        (2025, date(2026, 2, 10), TimingState.LATE, "已过10天"),
        (2024, date(2025, 12, 1), TimingState.BACKFILL, "这是补报的2024年度报告"),
        (2024, date(2026, 11, 30), TimingState.BACKFILL, "法定报送期限2025年1月31日"),
    ],
)
def test_a_deadline_is_told_as_it_stands_today(year, today, state, says):
    assert report_timing(year, today).state is state
    assert says in timing_sentence(year, today)


def test_a_backfilled_year_is_not_told_a_past_date_as_upcoming_nor_signed_today():
    today = date(2025, 12, 1)
    note = export_note(2024, today)
    assert "于2025年1月31日" not in note.replace("期限2025年1月31日", "")
    assert "补报" in note and "落款日期已留空" in note and "/export 2025-01-20" in note
    assert issued_default(2024, today) is None
    # This year's report: publish by the date ahead, signed today.
    ahead = export_note(2025, today)
    assert "并于2026年1月31日（星期六）前向社会公布" in ahead
    assert issued_default(2025, today) == today
    late = export_note(2025, date(2026, 3, 2))
    assert "已过" in late and issued_default(2025, date(2026, 3, 2)) == date(2026, 3, 2)
