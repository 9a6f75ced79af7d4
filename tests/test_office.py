"""Deadlines, /last with a year or keyword, and the county office's /progress and /summary,
through the dialog engine on a real SQLite file."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from bot.wiring import make_engine
from dialogs.model import Button
from dialogs.reminders import pending_reminders
from report.formats import CURRENT
from report.parsing import format_figure
from report.values import Report
from storage import ReportStatus, Role
from tests.clerk import Clerk
from tests.seed import seed_report

TODAY = date(2025, 1, 10)  # the 2024 reports are being filled in
SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTY_SUPERVISOR = 3001
OTHER_SUPERVISOR = 3002
CLERK_A, CLERK_B, CLERK_C, CLERK_D = 3101, 3102, 3103, 3104


def complete_report(organisation: str, year: int, **figures: int) -> Report:
    values = {c.id: Decimal(0) for c in CURRENT.entered_cells}
    values.update({k.replace("__", "."): Decimal(v) for k, v in figures.items()})
    return Report(
        organisation=organisation,
        year=year,
        figures=values,
        texts={p.id: f"{p.id}的内容。" for p in CURRENT.parts},
    )


@pytest.fixture
def county(store):
    """A county office with three townships: A finished, B half-way with an error, C untouched;
    and another county with its own township D."""
    county = store.add_organisation("赣州经济技术开发区党政办公室", short_name="开发区")
    other = store.add_organisation("于都县人民政府办公室", short_name="于都县")
    towns = {
        name: store.add_organisation(
            f"赣州经开区{name}人民政府", short_name=name, parent_id=county.id
        )
        for name in ("蟠龙镇", "凤岗镇", "湖边镇")
    }
    d = store.add_organisation("于都县贡江镇人民政府", short_name="贡江镇", parent_id=other.id)
    people = (
        (COUNTY_SUPERVISOR, "县政务公开办", county.id, Role.SUPERVISOR),
        (OTHER_SUPERVISOR, "于都政务公开办", other.id, Role.SUPERVISOR),
        (CLERK_A, "李文书", towns["蟠龙镇"].id, Role.CLERK),
        (CLERK_B, "王干事", towns["凤岗镇"].id, Role.CLERK),
        (CLERK_C, "张科员", towns["湖边镇"].id, Role.CLERK),
        (CLERK_D, "刘干事", d.id, Role.CLERK),
    )
    for person, name, org, role in people:
        store.upsert_person(person, name)
        store.add_membership(person, org, role)
    a = store.save_imported(
        towns["蟠龙镇"].id,
        2024,
        complete_report(
            "赣州经开区蟠龙镇人民政府",
            2024,
            review__upheld=2,
            applications__new__natural_person=3,
            applications__granted__natural_person=3,
        ),
        person_id=CLERK_A,
    )
    store.set_status(a.id, ReportStatus.FINAL, person_id=CLERK_A)
    b = store.report(towns["凤岗镇"].id, 2024)
    # Table 3 entered, but 5 new applications and no results: the balance rule fails.
    table3 = {c.id: Decimal(0) for c in CURRENT.entered_cells if c.table.id == "applications"}
    table3.update({"applications.new.natural_person": Decimal(5), "review.upheld": Decimal(1)})
    store.write_figures(b.id, table3, person_id=CLERK_B)
    return county, towns, other, d


def person(store, person_id, today=TODAY) -> Clerk:
    return Clerk(make_engine(store, today=lambda: today), person_id)


# --- deadlines ------------------------------------------------------------------------------


def test_deadline_shows_the_statutory_date_until_the_county_sets_an_earlier_one(store, county):
    clerk = person(store, CLERK_B)
    clerk.command("deadline")
    assert (
        "2024年度报告的报送截止日期：2025年1月31日（星期五），法定期限。还有21天。" in clerk.text()
    )

    supervisor = person(store, COUNTY_SUPERVISOR)
    supervisor.command("deadline")
    assert "还没有为下级单位规定2024年度报告的截止日期" in supervisor.text()
    supervisor.command("deadline", "2月10日")
    assert "截止日期须在今天之后、法定期限2025年1月31日（星期五）之前" in supervisor.text()
    supervisor.command("deadline", "下周")
    assert "没有看懂这个日期" in supervisor.text()
    out = supervisor.command("deadline", "1月15日")
    assert (
        "已将下级单位（蟠龙镇、凤岗镇、湖边镇）2024年度报告的截止日期定为2025年1月15日（星期三）"
        in supervisor.text()
    )
    # The clerks of the two unfinished offices are told at once (蟠龙镇 is finished).
    notices = {m.to: m.text for m in out if m.to is not None}
    assert set(notices) == {CLERK_B, CLERK_C}
    assert "已通知尚未完成的单位填报人员2人" in supervisor.text()
    assert (
        "赣州经济技术开发区党政办公室已将<b>赣州经开区凤岗镇人民政府</b>2024年度报告的报送截止日期"
        "定为2025年1月15日（星期三），还有5天。" in notices[CLERK_B]
    )

    clerk.command("deadline")
    assert (
        "2025年1月15日（星期三），赣州经济技术开发区党政办公室规定的期限。还有5天。" in clerk.text()
    )
    # Another county's township keeps the statutory date; a clerk cannot change anything.
    other = person(store, CLERK_D)
    other.command("deadline", "1月12日")
    assert "2025年1月31日（星期五），法定期限" in other.text()
    assert "只有上级主管单位的人员可以修改截止日期" in other.text()
    assert store.internal_deadline(county[2].id, 2024) is None

    out = supervisor.command("deadline", "取消")
    assert "已取消内部截止日期，蟠龙镇、凤岗镇、湖边镇的2024年度报告" in supervisor.text()
    notices = {m.to: m.text for m in out if m.to is not None}
    assert set(notices) == {CLERK_B, CLERK_C}
    assert "已取消内部截止日期" in notices[CLERK_C] and "2025年1月31日" in notices[CLERK_C]
    # Setting the same date twice tells nobody again.
    supervisor.command("deadline", "1月31日")
    out = supervisor.command("deadline", "1月31日")
    assert not [m for m in out if m.to is not None]
    supervisor.command("deadline", "取消")
    clerk.command("deadline")
    assert "法定期限。还有21天。" in clerk.text()


def test_an_office_past_the_county_deadline_is_shown_late_and_still_reminded(store, county):
    person(store, COUNTY_SUPERVISOR).command("deadline", "1月15日")
    later = date(2025, 1, 20)
    supervisor = person(store, COUNTY_SUPERVISOR, today=later)
    supervisor.command("progress")
    text = supervisor.text()
    assert "截止日期：2025年1月15日（星期三），已过期5天。" in text and "还有-" not in text
    lines = {line.split("：")[0][2:]: line for line in text.splitlines() if "：" in line}
    assert "逾期5天" in lines["凤岗镇"] and "逾期5天" in lines["湖边镇"]
    assert "逾期" not in lines["蟠龙镇"]
    assert "已过截止日期仍未完成的2个：凤岗镇、湖边镇。" in text
    clerk = person(store, CLERK_B, today=later)
    clerk.command("deadline")
    assert "已过期5天。请尽快报送，最迟不得晚于法定期限2025年1月31日（星期五）" in clerk.text()

    # The statutory schedule goes on for them: 24 January (7 days before the 31st, moved
    # before the Spring Festival holiday), worded as late.
    # (贡江镇, in the other county, gets its ordinary 7-day reminder the same morning.)
    due = {
        p.person_id: p.message.text
        for p in pending_reminders(store, datetime(2025, 1, 24, 9, 30, tzinfo=SHANGHAI))
    }
    assert set(due) == {CLERK_B, CLERK_C, CLERK_D}
    assert "的截止日期2025年1月15日（星期三）已过9天" in due[CLERK_B]
    assert "已过" not in due[CLERK_D] and "还有7天" in due[CLERK_D]
    assert not pending_reminders(store, datetime(2025, 1, 23, 9, 30, tzinfo=SHANGHAI))


# --- /progress and /summary -----------------------------------------------------------------


def test_progress_lists_each_member_office_with_completion_errors_and_activity(store, county):
    supervisor = person(store, COUNTY_SUPERVISOR)
    supervisor.command("progress")
    text = supervisor.text()
    assert "赣州经济技术开发区党政办公室下级单位2024年度报告填报进度" in text
    lines = {line.split("：")[0][2:]: line for line in text.splitlines() if "：" in line}
    assert lines["蟠龙镇"].startswith("✅") and "已生成正式报告" in lines["蟠龙镇"]
    assert lines["凤岗镇"].startswith("❌") and "1处错误" in lines["凤岗镇"]
    assert "已填" in lines["凤岗镇"] and "最近填写：无" not in lines["凤岗镇"]
    assert "未开始" in lines["湖边镇"] and "最近填写：无" in lines["湖边镇"]
    assert "共3个单位：已完成1个，未完成2个。" in text
    assert "贡江镇" not in text

    # The button reminds the two offices behind, and only their clerks.
    out = supervisor.taps("提醒未完成的单位")
    assert "已提醒2人（凤岗镇、湖边镇）" in supervisor.text()
    to = {m.to: m for m in out if m.to is not None}
    assert set(to) == {CLERK_B, CLERK_C}
    assert "赣州经济技术开发区党政办公室提醒您" in to[CLERK_B].text
    assert "1处错误" in to[CLERK_B].text or "错误" in to[CLERK_B].text
    assert [b.label for b in to[CLERK_C].buttons[0]] == ["从缺项处继续填写"]
    # Pressed again the same day: nobody is reminded twice.
    again = supervisor.presses(Button(label="提醒未完成的单位", data=f"p.{county[0].id}"))
    assert all(m.to is None for m in again)
    assert "这次没有提醒任何人" in supervisor.text()
    assert "已完成、不再提醒：蟠龙镇" in supervisor.text()
    assert "今天已提醒过：王干事（凤岗镇）、张科员（湖边镇）" in supervisor.text()


def test_the_nudge_reaches_muted_clerks_and_says_who_was_skipped_and_why(store, county):
    towns = county[1]
    b = store.report(towns["凤岗镇"].id, 2024)
    store.mute_reminders(CLERK_B, b.id)
    store.mark_unreachable(CLERK_C, "Forbidden: bot was blocked by the user")
    supervisor = person(store, COUNTY_SUPERVISOR)
    supervisor.command("progress")
    lines = {line.split("：")[0][2:]: line for line in supervisor.text().splitlines()}
    assert "无法联系：张科员" in lines["湖边镇"] and "无法联系" not in lines["凤岗镇"]
    out = supervisor.taps("提醒未完成的单位")
    assert {m.to for m in out if m.to is not None} == {CLERK_B}
    text = supervisor.text()
    assert "已提醒1人（凤岗镇）" in text
    assert "其中1人关闭了例行提醒，本次督促照常送达：王干事（凤岗镇）" in text
    assert "无法联系（已屏蔽本机器人或注销账号），未提醒：张科员（湖边镇）" in text
    assert "已完成、不再提醒：蟠龙镇" in text
    # Writing to the bot again makes the clerk reachable.
    assert store.mark_reachable(CLERK_C) and not store.unreachable([CLERK_C])


def test_a_clerk_or_another_county_cannot_see_or_nudge_these_offices(store, county):
    county_org = county[0]
    for who in (CLERK_A, OTHER_SUPERVISOR):
        someone = person(store, who)
        someone.command("progress")
        assert "蟠龙镇" not in someone.text() and "凤岗镇" not in someone.text()
        if who == CLERK_A:
            assert "只有上级主管单位的人员可以查看" in someone.text()
        someone.command("summary", "2024")
        assert "凤岗镇" not in someone.text()
        # A forged button for the county: refused, and nobody is messaged.
        out = someone.presses(Button(label="提醒", data=f"p.{county_org.id}"))
        assert all(m.to is None for m in out)
        assert "只有上级主管单位的人员可以查看" in someone.text()
    assert not [r for r in store.reminders() if r.kind == "nudge"]


def test_summary_adds_up_the_member_offices_as_a_message_and_tables(store, county):
    supervisor = person(store, COUNTY_SUPERVISOR)
    out = supervisor.command("summary", "2024")
    text = supervisor.text()
    assert "赣州经济技术开发区党政办公室下级单位2024年度报告数据汇总" in text
    assert "共3个单位，2个有数据（其中1个已生成正式报告）" in text
    assert "尚未定稿，合计仅供参考：凤岗镇（未定稿，1处错误未改）" in text
    assert "未填任何数据：湖边镇" in text
    review = next(line for line in text.splitlines() if line.startswith("行政复议"))
    assert review.split()[-1] == "3"  # 2 (蟠龙镇) + 1 (凤岗镇)
    documents = {m.document.filename: m.document.data for m in out if m.document}
    # Named by the configured short name, not one derived from the full name.
    xlsx_name = "开发区2024年度政府信息公开工作年度报告汇总表.xlsx"
    docx_name = xlsx_name.replace(".xlsx", ".docx")
    assert set(documents) == {xlsx_name, docx_name}

    a, b = (store.load(store.report(county[1][n].id, 2024).id) for n in ("蟠龙镇", "凤岗镇"))
    # Entered figures summed by hand; totals (computed cells) follow from them.
    entered = {}
    for report in (a, b):
        for cell_id, value in report.figures.items():
            if not CURRENT.cell(cell_id).computed:
                entered[cell_id] = entered.get(cell_id, 0) + value
    summed = Report(organisation="合计", year=2024, figures=entered)
    assert summed.value("review.upheld") == 3
    sheet = openpyxl.load_workbook(io.BytesIO(documents[xlsx_name])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "凤岗镇（未定稿，1处错误未改）" in rows[2][0]
    header = next(i for i, r in enumerate(rows) if r[0] == "表格")
    assert rows[header][:5] == ("表格", "项目", "栏目", "单位", "合计")
    assert rows[header][5:] == ("蟠龙镇", "凤岗镇", "湖边镇")
    assert rows[header + 1][1] == "填报状态"
    assert rows[header + 1][5:] == ("已定稿", "未定稿，1处错误未改", "未填")
    figures = rows[header + 2 :]
    cells = [c for t in CURRENT.tables for c in t.cells]
    assert len(figures) == len(cells)
    for cell, row in zip(cells, figures, strict=True):
        assert row[3] == cell.unit.symbol, cell.id
        expected = [a.value(cell.id), b.value(cell.id)]
        shown = [summed.value(cell.id), *expected, None]
        assert list(row[4:]) == [
            "未填" if v is None else int(v) if v == int(v) else float(v) for v in shown
        ], cell.id
    upheld = next(r for r in figures if r[1] == "行政复议" and r[2] == "结果维持")
    assert upheld[3:] == ("件", 3, 2, 1, "未填")

    word = docx.Document(io.BytesIO(documents[docx_name]))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "项目·栏目",
        "单位",
        "合计",
        "蟠龙镇",
        "凤岗镇",
        "湖边镇",
    ]
    assert [c.text for c in table.rows[1].cells][3:] == ["已定稿", "未定稿，1处错误未改", "未填"]
    for row in table.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = [[c.text for c in row.cells] for row in table.rows[2:]]
    # Each table of the report opens with a caption row across the whole width.
    captions = [r[0] for r in rows if len(set(r)) == 1]
    assert captions == [t.title for t in CURRENT.tables]
    rendered = [r for r in rows if len(set(r)) > 1]
    assert len(rendered) == len(cells)
    for cell, row in zip(cells, rendered, strict=True):
        expected = [a.value(cell.id), b.value(cell.id)]
        total = summed.value(cell.id)
        assert row[0].endswith(cell.column.name) and row[1] == cell.unit.symbol
        assert row[2:] == [
            "未填" if v is None else format_figure(v) for v in (total, *expected, None)
        ], cell.id
    fonts = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "凤岗镇（未定稿，1处错误未改）" in "\n".join(p.text for p in word.paragraphs)


def test_summary_of_a_year_nobody_reported(store, county):
    supervisor = person(store, COUNTY_SUPERVISOR)
    supervisor.command("summary", "2019")
    assert "下级单位还没有2019年的报告数据" in supervisor.text()
    supervisor.command("summary", "去年")
    assert "年份不对" in supervisor.text()


# --- /last ----------------------------------------------------------------------------------


def test_last_by_year_and_by_keyword_across_both_formats(store, county):
    towns = county[1]
    org = towns["蟠龙镇"].id
    legacy = seed_report().with_figures(
        {"review.upheld": Decimal(4), "litigation_direct.upheld": Decimal(1)}
    )
    store.save_imported(
        org,
        2020,
        legacy.model_copy(update={"organisation": "赣州经开区蟠龙镇人民政府"}),
        person_id=CLERK_A,
    )
    store.save_imported(
        org,
        2023,
        complete_report("赣州经开区蟠龙镇人民政府", 2023, review__corrected=6),
        person_id=CLERK_A,
    )
    clerk = person(store, CLERK_A)
    clerk.command("fill")

    clerk.command("last", "2020")
    text = clerk.text()
    assert "赣州经开区蟠龙镇人民政府2020年报告 预览（已导入）" in text
    assert "主要数据逐年对比" in text
    trend = text.split("主要数据逐年对比")[1].splitlines()
    assert trend[1].split() == ["2020", "2023", "2024"]
    review = next(line for line in trend if line.startswith("行政复议"))
    assert review.split()[1:] == ["4", "6", "2"]

    clerk.command("last", "行政复议")
    text = clerk.text()
    assert "“行政复议”历年数据" in text
    lines = text.splitlines()
    total = lines[lines.index("行政复议·总计") + 1]
    assert total.split() == ["4", "6", "2"]

    # 规范性文件: the legacy columns (本年新制作数量…) and the current ones (本年制发件数…)
    # are different cells; each shows in its own years and "—" in the others.
    clerk.command("last", "规范性文件")
    text = clerk.text()
    assert "“规范性文件”历年数据" in text
    lines = text.splitlines()
    # 本年新制作数量 (legacy) and 本年制发件数 (current) share their cell: one line, every year.
    issued = lines[lines.index("行政规范性文件·本年制发件数") + 1]
    assert issued.split() == ["0", "0", "0"]
    published = lines[lines.index("规范性文件·本年新公开数量") + 1]
    assert published.split() == ["0", "—", "—"]
    in_force = lines[lines.index("行政规范性文件·现行有效件数") + 1]
    assert in_force.split() == ["—", "0", "0"]

    # The current year is labelled as what it is, not as imported.
    clerk.command("last", "2024")
    assert "2024年报告 预览（已生成正式文件）" in clerk.text()
    drafting = person(store, CLERK_B)
    drafting.command("last", "2024")
    assert "赣州经开区凤岗镇人民政府2024年报告 预览（草稿）" in drafting.text()

    clerk.command("last", "2018")
    assert (
        "没有赣州经开区蟠龙镇人民政府2018年的报告数据。已有数据的年份：2020、2023、2024"
        in clerk.text()
    )
    clerk.command("last", "不存在的项目")
    assert "没有找到与“不存在的项目”有关的数据项" in clerk.text()


# --- reminders: what they say, and their buttons --------------------------------------------


def test_a_reminder_says_what_is_missing_and_continues_at_the_first_gap(store, county):
    from dialogs.reminders import pending_reminders

    towns = county[1]
    # 2025-01-24 is 7 days before the statutory deadline.
    pending = pending_reminders(store, datetime(2025, 1, 24, 9, 0, tzinfo=SHANGHAI))
    by_person = {p.person_id: p for p in pending}
    # 蟠龙镇 is finished; 贡江镇 and the other two are not.
    assert set(by_person) == {CLERK_B, CLERK_C, CLERK_D}
    text = by_person[CLERK_B].message.text
    assert "还有7天" in text and "2025年1月31日（星期五）" in text
    assert "· 一、总体情况：6段文字" in text
    assert "· 二、主动公开政府信息情况：6行数据" in text
    assert "三、收到和处理" not in text  # table 3 is complete
    assert "❌ 有1处错误需要改正" in text and "自然人" in text
    assert by_person[CLERK_B].due == date(2025, 1, 24)

    clerk_b = person(store, CLERK_B, today=date(2025, 1, 24))
    clerk_b.last = [by_person[CLERK_B].message]
    clerk_b.taps("从缺项处继续填写")
    assert "【一、总体情况】（1/" in clerk_b.question()

    # Muting stops the next one; 恢复提醒 brings them back.
    clerk_c = person(store, CLERK_C, today=date(2025, 1, 24))
    clerk_c.last = [by_person[CLERK_C].message]
    clerk_c.taps("不再提醒")
    assert "已停止2024年度报告的提醒" in clerk_c.text()
    later = pending_reminders(store, datetime(2025, 1, 27, 9, 30, tzinfo=SHANGHAI))
    assert CLERK_C not in {p.person_id for p in later}
    clerk_c.taps("恢复提醒")
    later = pending_reminders(store, datetime(2025, 1, 27, 9, 30, tzinfo=SHANGHAI))
    assert CLERK_C in {p.person_id for p in later}

    # A forged button for another office's report changes and shows nothing.
    report_b = store.report(towns["凤岗镇"].id, 2024)
    stranger = person(store, CLERK_D)
    for data in (f"r.{report_b.id}", f"q.{report_b.id}", "r.99999", "q.x"):
        stranger.presses(Button(label="x", data=data))
        assert "这个按钮已失效" in stranger.text()
    assert not store.reminders_muted(CLERK_D, report_b.id)
    assert not store.reminders_muted(CLERK_B, report_b.id)


# --- roles: what a supervisor is offered ----------------------------------------------------


def test_a_supervisor_gets_their_own_help_and_menu_and_one_who_also_fills_gets_both(store, county):
    supervisor = person(store, COUNTY_SUPERVISOR)
    for command in ("help", "fill"):
        supervisor.command(command)
        text = supervisor.text()
        assert "作为赣州经济技术开发区党政办公室的上级主管，您可以" in text
        assert "/progress" in text and "/summary" in text and "/deadline" in text
        assert "还没有加入任何单位" not in text and "/export" not in text
    supervisor.command("fill")
    assert "不需要在这里填写本单位的报告" in supervisor.text()
    supervisor.presses(Button(label="开始填写", data="f"))
    assert "上级主管" in supervisor.text() and "还没有加入任何单位" not in supervisor.text()
    office = make_engine(store, today=lambda: TODAY).office
    assert [name for name, _ in office.commands_for(COUNTY_SUPERVISOR)] == [
        "progress",
        "summary",
        "deadline",
        "help",
    ]
    clerk_commands = [name for name, _ in office.commands_for(CLERK_A)]
    assert "progress" not in clerk_commands and "fill" in clerk_commands

    # The county office also fills in its own report: both menus.
    store.add_membership(COUNTY_SUPERVISOR, county[2].id, Role.CLERK)
    both = person(store, COUNTY_SUPERVISOR)
    both.command("help")
    assert "/fill" in both.text() and "/progress" in both.text()
    names = [name for name, _ in office.commands_for(COUNTY_SUPERVISOR)]
    assert names[:2] == ["fill", "review"] and "progress" in names and "summary" in names
    assert len(names) == len(set(names))
