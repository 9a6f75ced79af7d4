"""Groups of rows for "the rest of this group is 0"."""

from decimal import Decimal

from report.formats import CURRENT, LEGACY
from report.groups import group_of, rest_of_group, row_groups
from report.rowcodes import find_target
from report.values import Report


def test_the_groups_are_read_from_the_labels():
    groups = {g.code: g for g in row_groups(CURRENT)}
    assert list(groups) == ["三（三）", "三（四）", "三（五）", "三（六）"]
    assert groups["三（三）"].label == "（三）不予公开"
    assert [t.code for t in groups["三（三）"].rows] == [f"三（三）{i}" for i in range(1, 9)]
    assert len(groups["三（四）"].rows) == 3
    assert len(groups["三（五）"].rows) == 5
    assert len(groups["三（六）"].rows) == 3
    # The legacy （六）其他处理 is one row, no group.
    assert [g.code for g in row_groups(LEGACY)] == ["三（三）", "三（四）", "三（五）"]


def test_rows_outside_a_group_have_none():
    for code in ("一", "二", "三（一）", "三（二）", "四", "规章", "行政复议"):
        assert group_of(CURRENT, find_target(code, CURRENT).key) is None


def test_the_rest_of_a_group_is_the_unanswered_rows_from_here_on():
    report = Report(organisation="某镇人民政府", year=2024)
    third = find_target("三（三）3", CURRENT)
    sixth = find_target("三（三）6", CURRENT)
    report = report.with_figures({c: Decimal(1) for c in (*third.cells, *sixth.cells)})
    rest = rest_of_group(report, find_target("三（三）2", CURRENT).key)
    assert [t.code for t in rest] == [
        "三（三）2",
        "三（三）4",
        "三（三）5",
        "三（三）7",
        "三（三）8",
    ]
    assert rest_of_group(report, find_target("三（一）", CURRENT).key) == ()
