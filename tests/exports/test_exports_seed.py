"""The seed report (蟠龙镇 2020, flattened to text) reads completely and passes the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from exports_helpers import SEED_TEXT

from exports import ProblemKind, read_text
from report.formats import LEGACY
from report.rules import Severity, check

SEED_NONZERO = {
    "disclosure.procurement.items": Decimal(9),
    "disclosure.procurement.amount": Decimal(180000),
}


def test_every_figure_of_the_seed_is_read_including_the_printed_totals() -> None:
    result = read_text(SEED_TEXT)
    assert result.problems == []
    assert result.format_id == LEGACY.id
    expected = {cell_id: SEED_NONZERO.get(cell_id, Decimal(0)) for cell_id in LEGACY.cells_by_id}
    assert result.report.figures == expected
    assert check(result.report) == []


def test_title_closing_and_narrative_of_the_seed() -> None:
    result = read_text(SEED_TEXT)
    report = result.report
    assert (report.organisation, report.year) == ("赣州经开区蟠龙镇", 2020)
    assert (result.organisation, result.year) == ("赣州经开区蟠龙镇", 2020)
    assert result.signed_by == "赣州经济技术开发区蟠龙镇人民政府"
    assert result.issued == date(2021, 1, 28)
    assert report.texts["overview.summary"].startswith("2020年，蟠龙镇全面深入贯彻落实")
    assert report.texts["overview.summary"].endswith("服务型政府建设。")
    assert report.texts["overview.active"].startswith("蟠龙镇结合统计工作实际")
    assert (
        report.texts["overview.requests"]
        == "通过网站、信函、电子邮件、传真以及口头等形式接受社会各界依申请公开0条。"
    )
    assert report.texts["overview.management"].startswith("蟠龙镇在政府信息公开专栏上发布103条信息")
    # Section 5's own numbered paragraphs ((1), （二）...) stay in its text, in order.
    problems = report.texts["problems"].split("\n")
    assert len(problems) == 5
    assert problems[1].startswith("（1） 牢固树立") and problems[4].startswith(
        "（四）加强业务人员学习培训"
    )
    assert report.texts["other_matters"] == "无。"


def test_a_copy_with_one_figure_changed_fails_the_balance_rule_naming_its_numbers() -> None:
    lines = SEED_TEXT.split("\n")
    row = lines.index("\t一、本年新收政府信息公开申请数量")
    assert lines[row + 1] == "\t0"
    lines[row + 1] = "\t3"  # 自然人: three new applications, nowhere handled
    result = read_text("\n".join(lines))
    assert result.problems == []
    assert result.report.figures["applications.new.natural_person"] == 3
    errors = [v for v in check(result.report) if v.severity is Severity.ERROR]
    keys = {v.key for v in errors}
    assert "balance.natural_person" in keys
    # The printed 总计 of that row (0) no longer adds up either.
    assert "row_total.applications.new.total" in keys
    balance = next(v for v in errors if v.key == "balance.natural_person")
    assert "自然人" in balance.describe() and "3" in balance.describe()


def test_an_unreadable_figure_is_reported_with_where_it_stands() -> None:
    lines = SEED_TEXT.split("\n")
    row = lines.index("\t二、上年结转政府信息公开申请数量")
    lines[row + 3] = "\t约五六件"  # the third figure: 科研机构
    result = read_text("\n".join(lines))
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.kind is ProblemKind.FIGURE
    assert problem.cell_id == "applications.carried_over.research"
    # The fifth row of table 3, its fourth cell (label, then 自然人, 商业企业, 科研机构).
    assert problem.where == "表三 第5行 第4列"
    assert "约五六件" in problem.message and "科研机构" in problem.message
    assert "applications.carried_over.research" not in result.report.figures
    assert not result.figures_complete
