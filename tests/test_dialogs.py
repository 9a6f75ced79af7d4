"""Scripted conversations through the dialog engine, on a real SQLite file."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from bot.wiring import make_engine as wired_engine
from dialogs import render
from dialogs.engine import Engine, reporting_year
from dialogs.model import Button, Mode
from dialogs.plan import plan_for
from exports import read_docx, write_docx
from report import carry
from report.formats import CURRENT, LEGACY
from report.rules import check, rules_for
from report.values import Report
from storage import ReportStatus, Role, Store
from tests.clerk import Clerk
from tests.seed import SEED_NONZERO, seed_figures

CLERK_ID = 1001
COLLEAGUE_ID = 1002


def make_engine(store: Store, today: date) -> Engine:
    return wired_engine(store, today=lambda: today)


@pytest.fixture
def township(store):
    org = store.add_organisation("赣州经开区蟠龙镇", short_name="蟠龙镇")
    for person, name in ((CLERK_ID, "李文书"), (COLLEAGUE_ID, "王干事")):
        store.upsert_person(person, name)
        store.add_membership(person, org.id, Role.CLERK)
    return org


def seed_clerk(store, today=date(2021, 1, 10)) -> Clerk:
    return Clerk(make_engine(store, today), CLERK_ID, "李文书")


def fill_parts(clerk: Clerk, count: int) -> None:
    for number in range(count):
        clerk.says(f"第{number + 1}部分的内容。")  # saved, and on to the next question


def stored(store: Store, org_id: int, year: int) -> Report:
    return store.load(store.report(org_id, year).id)


def test_reporting_year_follows_the_deadline():
    assert reporting_year(date(2027, 1, 20)) == 2026
    assert reporting_year(date(2026, 11, 25)) == 2026
    assert reporting_year(date(2026, 6, 1)) == 2025


def test_the_seed_report_end_to_end_in_at_most_30_actions(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    assert "赣州经开区蟠龙镇2020年政府信息公开工作年度报告" in clerk.text()
    assert "【一、总体情况】（1/4）" in clerk.question()
    fill_parts(clerk, 4)
    # Table 2: seven rows of zeros, then 政府集中采购 typed as the seed writes it.
    for _ in range(7):
        assert "本行全为0" in [b.label for b in clerk.buttons()]
        clerk.taps("本行全为0")
    assert "政府集中采购" in clerk.question()
    assert "采购项目数量（个）、采购总金额（元）" in clerk.question()
    clerk.says("9个 180000元")
    assert "已记录 政府集中采购：9 180000" in clerk.text()
    assert "本年度是否收到政府信息公开申请？" in clerk.question()
    clerk.taps("没有收到")
    assert "上年结转" in clerk.question()
    clerk.taps("本行全为0")
    assert "已将第三部分“收到和处理政府信息公开申请情况”各项全部填为0" in clerk.text()
    assert "行政复议或行政诉讼" in clerk.question()
    clerk.taps("没有")
    assert "已将第四部分“政府信息公开行政复议、行政诉讼情况”各项全部填为0" in clerk.text()
    assert "五、存在的主要问题及改进情况" in clerk.question()
    fill_parts(clerk, 2)
    assert "全部内容已填写完成" in clerk.text()
    clerk.taps("生成报告")
    (document,) = [m.document for m in clerk.last if m.document]
    assert document.filename == "蟠龙镇2020年政府信息公开工作年度报告.docx"
    assert clerk.actions <= 30, clerk.actions

    report = stored(store, township.id, 2020)
    assert report.format_id == "legacy"
    assert report.figures == seed_figures()
    assert check(report) == []
    assert store.report(township.id, 2020).status is ReportStatus.FINAL
    # The document holds the figures: read it back with the real reader.
    assert (
        read_docx(document.data).report.figures["disclosure.procurement.amount"]
        == SEED_NONZERO["disclosure.procurement.amount"]
    )
    opened = docx.Document(io.BytesIO(document.data))
    assert opened.tables
    assert opened.paragraphs[-1].text.replace(" ", "") == "2021年1月10日"


def test_a_busy_office_with_66_applications_in_at_most_60_actions(store, township):
    clerk = seed_clerk(store, today=date(2025, 1, 8))
    clerk.command("fill")
    assert "现行格式" in clerk.text()
    fill_parts(clerk, 6)
    for row in ("0 0 0", "2 1 15", "12", "30", "4", "1.5"):
        clerk.says(row)
    clerk.taps("收到过申请")
    assert "一、本年新收政府信息公开申请数量" in clerk.question()
    clerk.says("50 10 2 1 2 1")  # 66
    clerk.says("0 0 0 0 0 0")  # carried over
    # Twelve rows hold figures: 一 plus ten result rows and 四; the rest are zeros.
    results = {
        "（一）予以公开": "20 5 1 0 1 0",
        "（二）部分公开": "5 1 0 0 0 0",
        "1.属于国家秘密": "1 0 0 0 0 0",
        "4.保护第三方合法权益": "2 0 0 0 0 0",
        "6.属于四类过程性信息": "3 0 0 0 0 0",
        "1.本机关不掌握相关政府信息": "10 2 1 1 1 1",
        "2.没有现成信息需要另行制作": "2 0 0 0 0 0",
        "1.信访举报投诉类申请": "2 1 0 0 0 0",
        "2.重复申请": "1 0 0 0 0 0",
        "3.其他": "1 0 0 0 0 0",
    }
    while "四、结转下年度继续办理" not in clerk.question():
        label = next((k for k in results if k in clerk.question()), None)
        if label:
            clerk.says(results.pop(label))
        else:
            clerk.taps("本行全为0")
    assert not results
    clerk.says("3 1 0 0 0 0")
    assert "发现错误" not in clerk.text()
    clerk.taps("有")
    clerk.says("1 0 0 1")
    clerk.taps("本行全为0")
    clerk.taps("本行全为0")
    fill_parts(clerk, 2)
    clerk.taps("生成报告")
    assert [m.document for m in clerk.last if m.document]
    assert clerk.actions <= 60, clerk.actions
    report = stored(store, township.id, 2024)
    assert report.value("applications.new.total") == 66
    assert report.value("applications.results_total.total") == 62
    assert report.value("review.total") == 2
    assert report.figures["disclosure.fees.amount"] == Decimal("1.5")
    assert check(report) == []


def test_a_refused_figure_is_asked_again_with_the_reason_and_nothing_is_stored(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    fill_parts(clerk, 4)
    question = clerk.question()
    clerk.says("3 个")
    assert "这一行要填3个数" in clerk.text()
    clerk.says("1 -2 0")
    assert "不能是负数" in clerk.text()
    assert "disclosure.rules.issued" not in stored(store, township.id, 2020).figures
    clerk.says("1 1 1")
    assert "已记录 规章：1 1 1" in clerk.text()
    assert question != clerk.question()


def test_a_broken_balance_is_shown_at_once_and_fixed_by_reentering_the_row(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 三、")
    clerk.taps("收到过申请")
    clerk.says("5 0 0 0 0 0")
    clerk.taps("本行全为0")
    clerk.says("4 0 0 0 0 0")  # granted
    clerk.taps("办理结果余下为0")  # the other results; 四 is asked next
    assert "已将其余18项办理结果填为0" in clerk.text()
    assert "四、结转下年度继续办理" in clerk.question()
    assert "按勾稽关系（一＋二－三（七））应为：1 0 0 0 0 0" in clerk.question()
    clerk.says("0 0 0 0 0 0")
    violation = next(m for m in clerk.last if "发现错误" in m.text)
    assert (
        "申请数量勾稽关系（第一项＋第二项＝第三项＋第四项）：“自然人”栏 一＋二为 5，三（七）总计＋四为 4，相差 1"
        in violation.text
    )
    labels = [b.label for row in violation.buttons for b in row]
    # Ranked (report.fixes): the row just entered first, then the result row holding most.
    assert labels[:2] == ["重填：四、结转下年度继续办理", "重填：（一）予以公开"]
    clerk.presses(next(b for row in violation.buttons for b in row if "四、结转" in b.label))
    assert "四、结转下年度继续办理" in clerk.question()
    # Not offered while the error is open: it would hide a slip in a result row behind 四.
    assert "按勾稽关系填入" not in [b.label for b in clerk.buttons()]
    clerk.says("1 0 0 0 0 0")
    assert "已记录 四、结转下年度继续办理：1 0 0 0 0 0" in clerk.text()
    assert "发现错误" not in clerk.text()
    assert [v for v in check(stored(store, township.id, 2020)) if v.kind == "balance"] == []


def test_a_warning_is_accepted_with_a_reason_that_is_kept(store, township):
    last = Report(
        organisation="赣州经开区蟠龙镇",
        year=2019,
        figures={
            **seed_figures(),
            "applications.new.natural_person": Decimal(2),
            "applications.carried_forward.natural_person": Decimal(2),
        },
    )
    store.save_imported(township.id, 2019, last, person_id=None)
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 三、")
    assert "结转下年度继续办理”为 2件" in clerk.text()
    clerk.taps("收到过申请")
    clerk.taps("本行全为0")
    assert "上年报告的“结转下年度继续办理”：2 0 0 0 0 0" in clerk.question()
    clerk.taps("本行全为0")
    warning = next(m for m in clerk.last if "请核实" in m.text)
    assert "上年结转应等于上年报告的“结转下年度继续办理”" in warning.text
    clerk.presses(warning.buttons[-1][0])
    assert "请用一句话说明为什么这样填" in clerk.text()
    clerk.says("上年结转的2件已于上年12月31日前办结，上年报告填报有误。")
    assert "已记录说明" in clerk.text()
    stored_report = store.report(township.id, 2020)
    assert store.accepted_warnings(stored_report.id) == {
        "carry_over.natural_person": "上年结转的2件已于上年12月31日前办结，上年报告填报有误。"
    }
    assert "（一）予以公开" in clerk.question()


def test_every_button_of_a_row_question(store, township):
    store.save_imported(
        township.id,
        2019,
        Report(
            organisation="蟠龙镇",
            year=2019,
            figures={**seed_figures(), "disclosure.rules.issued": Decimal(4)},
        ),
        person_id=None,
    )
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("跳过")
    assert "【一、总体情况】（2/4）" in clerk.question()
    clerk.taps("上一步")
    assert "【一、总体情况】（1/4）" in clerk.question()
    clerk.taps("目录")
    clerk.taps("… 二、")
    assert "上年：4 0 0" in clerk.question()
    clerk.taps("同上年")
    assert "已记录 规章：4 0 0" in clerk.text()
    clerk.taps("本行全为0")
    assert "已记录 规范性文件：0 0 0" in clerk.text()
    clerk.taps("余下全为0")
    assert "余下6行填为0" in clerk.text()
    assert "本年度是否收到政府信息公开申请" in clerk.question()
    clerk.taps("暂存退出")
    assert "已暂存" in clerk.text()
    report = stored(store, township.id, 2020)
    assert report.figures["disclosure.rules.issued"] == 4
    assert report.figures["disclosure.procurement.amount"] == 0
    clerk.command("fill")
    assert "本年度是否收到政府信息公开申请" in clerk.question()


def at_documents_of_2023(store, township, last_year: dict[str, Decimal]) -> Clerk:
    """A clerk at the first row of table 2 of the 2023 report, with 2022's figures imported."""
    store.save_imported(
        township.id,
        2022,
        Report(organisation="蟠龙镇", year=2022, figures=last_year),
        person_id=None,
    )
    clerk = seed_clerk(store, today=date(2024, 1, 10))
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 二、")
    return clerk


def test_same_as_last_year_continues_the_documents_in_force(store, township):
    last = {
        "disclosure.rules.issued": Decimal(0),
        "disclosure.rules.repealed": Decimal(0),
        "disclosure.rules.in_force": Decimal(3),
        "disclosure.normative.issued": Decimal(4),
        "disclosure.normative.repealed": Decimal(1),
        "disclosure.normative.in_force": Decimal(20),
    }
    clerk = at_documents_of_2023(store, township, last_year=last)
    clerk.taps("同上年")
    assert "已记录 规章：0 0 3" in clerk.text()
    assert "照搬" not in clerk.text()  # nothing issued or repealed: a plain copy
    assert "上年：4 1 20" in clerk.question()
    clerk.taps("同上年")
    assert "已记录 行政规范性文件：4 1 23" in clerk.text()
    assert (
        "“现行有效件数”不能直接照搬上年数字，已按上年报告中"
        "“现行有效件数”20＋“本年制发件数”4－“本年废止件数”1算得23。"
        "如与实际不符，请点“上一步”重新填写本行。"
    ) in clerk.text()
    assert "应等于上年现行有效件数" not in clerk.text()  # no warning about the stock
    report = stored(store, township.id, 2023)
    assert report.figures["disclosure.normative.in_force"] == 23


def test_same_as_last_year_never_enters_a_negative_count(store, township):
    """Last year's figures that do not add up (1 in force, 2 repealed) are not carried on."""
    last = {
        "disclosure.rules.issued": Decimal(0),
        "disclosure.rules.repealed": Decimal(2),
        "disclosure.rules.in_force": Decimal(1),
    }
    clerk = at_documents_of_2023(store, township, last_year=last)
    clerk.taps("同上年")
    assert "“现行有效件数”会是-1，不能为负数" in clerk.text()
    assert "规章" in clerk.question()
    assert "disclosure.rules.in_force" not in stored(store, township.id, 2023).figures


def test_same_as_last_year_on_legacy_items_says_how_the_count_was_worked_out():
    (question,) = [
        q for q in plan_for(LEGACY) if q.key == "row:disclosure.licensing.items_last_year"
    ]
    last = Report(
        organisation="蟠龙镇",
        year=2019,
        figures=dict(zip(question.cells, (Decimal(9), Decimal(-2), Decimal(5)), strict=True)),
    )
    values = carry.same_as_last_year(LEGACY, last, question.cells, question.last_year_cells)
    assert values == [7, -2, 5]
    (note,) = render.stock_notes(question, LEGACY, last, values)  # type: ignore[arg-type]
    assert "已按上年报告中“上一年项目数量”9＋“本年增/减”（−2）算得7。" in note


def test_a_long_text_arrives_in_several_messages_and_is_kept_whole(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.says("第一段。")
    assert "（一）主动公开" in clerk.question()  # on to the next part at once
    clerk.taps("补充")
    assert "总体情况" in clerk.question()
    clerk.says("第二段。")
    assert "共9字" in clerk.text()
    assert stored(store, township.id, 2020).texts["overview.summary"] == "第一段。\n第二段。"
    clerk.says("x" * 30_000)
    assert "最多20000字" in clerk.text()
    assert "overview.active" not in stored(store, township.id, 2020).texts


def test_resume_after_the_engine_is_rebuilt_from_the_database(store, township, tmp_path):
    clerk = seed_clerk(store)
    clerk.command("fill")
    fill_parts(clerk, 4)
    clerk.taps("本行全为0")
    question = clerk.question()
    store.close()
    with Store(tmp_path / "nianbao.db") as reopened:
        again = seed_clerk(reopened)
        again.command("fill")
        assert again.question() == question
        again.says("0 0 0")
        assert "已记录 规范性文件：0 0 0" in again.text()


def test_an_old_button_or_a_double_press_is_never_applied_to_another_cell(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    fill_parts(clerk, 4)
    zero = clerk.button("本行全为0")
    clerk.presses(zero)
    assert "已记录 规章" in clerk.text()
    clerk.presses(zero)  # pressed again: the button of the answered question
    assert "已经回答过了" in clerk.text()
    report = stored(store, township.id, 2020)
    assert "disclosure.normative.issued" not in report.figures
    assert "规范性文件" in clerk.question()
    clerk.presses(Button(label="伪造", data="zz.forged"))
    assert "按钮已失效" in clerk.text()
    clerk.presses(Button(label="伪造", data="j.99999"))
    assert "按钮已失效" in clerk.text()
    assert len(stored(store, township.id, 2020).figures) == 3


def test_a_redelivered_update_is_not_applied_twice(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    fill_parts(clerk, 4)
    clerk.update_id = 500
    clerk.says("1 0 0")
    clerk.says("1 0 0")  # the same update again, as after a crash before the offset was confirmed
    report = stored(store, township.id, 2020)
    assert report.figures["disclosure.rules.issued"] == 1
    assert "disclosure.normative.issued" not in report.figures
    assert "规范性文件" in clerk.question()
    entries = [
        e
        for e in store.audit_log(store.report(township.id, 2020).id)
        if e.target == "disclosure.rules.issued"
    ]
    assert len(entries) == 1


def test_a_redelivered_export_makes_the_document_again(store, township):
    """After a crash between committing an export and sending the file, Telegram delivers the
    press again: the clerk must still get the document, and nothing is written twice."""
    report = store.report(township.id, 2020)
    store.write_figures(report.id, seed_figures(), person_id=CLERK_ID)
    for part in LEGACY.parts:
        store.write_text(report.id, part.id, "内容。", person_id=CLERK_ID)
    clerk = seed_clerk(store)
    clerk.command("review")
    export = clerk.button("生成报告")
    clerk.update_id = 700
    clerk.presses(export)
    (first,) = [m.document for m in clerk.last if m.document]
    audit = len(store.audit_log(report.id))
    clerk.presses(export)  # the same update again
    (again,) = [m.document for m in clerk.last if m.document]
    assert again.filename == first.filename
    assert read_docx(again.data).report.figures == read_docx(first.data).report.figures
    assert len(store.audit_log(report.id)) == audit
    assert store.report(township.id, 2020).status is ReportStatus.FINAL


def test_two_clerks_fill_different_sections_at_once(store, township):
    li, wang = (
        seed_clerk(store),
        Clerk(make_engine(store, date(2021, 1, 10)), COLLEAGUE_ID, "王干事"),
    )
    li.command("fill")
    wang.command("fill")
    wang.taps("目录")
    wang.taps("… 四、")
    li.says("综述。")
    wang.taps("有")
    wang.says("1 0 0 0")
    li.says("主动公开情况。")
    report = stored(store, township.id, 2020)
    assert report.texts["overview.summary"] == "综述。"
    assert report.texts["overview.active"] == "主动公开情况。"
    assert report.figures["review.upheld"] == 1
    people = {e.person_id for e in store.audit_log(store.report(township.id, 2020).id)}
    assert people == {CLERK_ID, COLLEAGUE_ID}


def two_clerks_at_table_2(store) -> tuple[Clerk, Clerk]:
    """李文书 and 王干事 of one office, both at the first row of table 2 of the 2020 report."""
    li, wang = (
        seed_clerk(store),
        Clerk(make_engine(store, date(2021, 1, 10)), COLLEAGUE_ID, "王干事"),
    )
    for clerk in (li, wang):
        clerk.command("fill")
        clerk.taps("目录")
        clerk.taps("… 二、")
    return li, wang


def test_two_clerks_on_the_same_row_the_later_one_is_told_not_overwritten(store, township):
    li, wang = two_clerks_at_table_2(store)
    li.says("2 2 2")
    wang.says("3 3 3")
    assert "刚刚被李文书修改过，现在是：2 2 2" in wang.text()
    assert stored(store, township.id, 2020).figures["disclosure.rules.issued"] == 2
    wang.says("3 3 3")  # having seen the new figures, the colleague insists
    assert stored(store, township.id, 2020).figures["disclosure.rules.issued"] == 3


def test_two_clerks_typing_the_same_figures_on_one_row_is_no_clash(store, township):
    li, wang = two_clerks_at_table_2(store)
    li.says("2 2 2")
    wang.says("２ 2 二")  # the same figures, typed differently
    assert "刚刚被" not in wang.text()
    assert "已记录 规章" in wang.text()
    assert "规范性文件" in wang.question()
    report_id = store.report(township.id, 2020).id
    entries = [e for e in store.audit_log(report_id) if e.target.startswith("disclosure.rules")]
    assert {e.person_id for e in entries} == {CLERK_ID}  # nothing to record for the second
    li.says("5 5 5")  # li is on the next row now; a different figure there is
    wang.says("6 6 6")  # still caught for wang
    assert "刚刚被李文书修改过，现在是：5 5 5" in wang.text()


def test_review_shows_completion_tables_and_problems(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 三、")
    clerk.taps("收到过申请")
    clerk.says("3 0 0 0 0 0")
    clerk.command("review")
    overview, problems = clerk.last
    assert "… 一、总体情况（缺4项）" in overview.text
    assert "<pre>" in overview.text and " 3 0 0 0 0 0 3\n" in overview.text
    assert "列：自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计" in overview.text
    assert "没有发现错误" in problems.text
    assert all(len(m.text) <= 4096 for m in clerk.last)


def test_export_is_refused_while_errors_remain_but_a_draft_can_be_made(store, township):
    org = township
    report = store.report(org.id, 2020)
    figures = {**seed_figures(), "applications.new.natural_person": Decimal(1)}
    store.write_figures(report.id, figures, person_id=CLERK_ID)
    for part in LEGACY.parts:
        store.write_text(report.id, part.id, "内容。", person_id=CLERK_ID)
    clerk = seed_clerk(store)
    clerk.command("export")
    assert "还有1处错误，不能生成正式报告" in clerk.text()
    clerk.taps("生成征求意见稿")
    (document,) = [m.document for m in clerk.last if m.document]
    assert "征求意见稿" in document.filename
    header = docx.Document(io.BytesIO(document.data)).sections[0].header
    assert "征求意见稿" in "".join(p.text for p in header.paragraphs)
    assert store.report(org.id, 2020).status is ReportStatus.DRAFT


def test_editing_a_final_report_reopens_it_as_a_draft_and_keeps_the_audit_log(store, township):
    test_the_seed_report_end_to_end_in_at_most_30_actions(store, township)
    report_id = store.report(township.id, 2020).id
    before = len(store.audit_log(report_id))
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("✅ 二、")
    clerk.says("1 1 1")
    assert "已改回草稿" in clerk.text()
    assert store.report(township.id, 2020).status is ReportStatus.DRAFT
    assert len(store.audit_log(report_id)) > before


def test_last_years_report_uploaded_as_docx_becomes_last_years_figures(store, township):
    last = Report(
        organisation="赣州经开区蟠龙镇",
        year=2019,
        figures={**seed_figures(), "disclosure.rules.issued": Decimal(6)},
    )
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.sends_file("2019年报.docx", write_docx(last))
    assert "从文件中读出 赣州经开区蟠龙镇2019年报告" in clerk.text()
    assert stored(store, township.id, 2020).figures == {}
    clerk.taps("确认导入")
    assert "已导入2019年报告的数据" in clerk.text()
    assert store.previous_report(township.id, 2020).figures["disclosure.rules.issued"] == 6
    clerk.sends_file("坏文件.docx", b"not a zip at all")
    assert "这个文件读不了" in clerk.text()
    clerk.sends_file("照片.jpg", b"\xff\xd8")
    assert "请发送 Word 文档" in clerk.text()
    # Sending it again says that it replaces what is stored.
    clerk.sends_file("2019年报.docx", write_docx(last))
    assert "系统中已有2019年的报告" in clerk.text() and "全部替换" in clerk.text()
    clerk.taps("取消")


def test_an_uploaded_file_from_which_nothing_is_read_changes_nothing(store, township):
    store.save_imported(
        township.id,
        2019,
        Report(organisation="蟠龙镇", year=2019, figures=seed_figures()),
        person_id=None,
    )
    clerk = seed_clerk(store)
    clerk.command("fill")
    from tests.exports.exports_helpers import docx_from_body, p

    title_only = docx_from_body(p("赣州经开区蟠龙镇2019年政府信息公开工作年度报告"))
    clerk.sends_file("2019年报.docx", title_only)
    assert "没有读出任何数字或文字" in clerk.text()
    assert "确认导入" not in clerk.text()
    assert store.previous_report(township.id, 2020).figures == seed_figures()


def test_a_person_without_an_organisation_is_told_how_to_join(store):
    clerk = Clerk(make_engine(store, date(2021, 1, 10)), 4242)
    clerk.command("fill")
    assert "还没有加入任何单位" in clerk.text()
    clerk.says("你好")
    assert "还没有加入任何单位" in clerk.text()


def test_text_outside_a_question_gets_the_menu(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("暂存退出")
    clerk.says("在吗")
    assert "/fill 继续填写" in clerk.text()
    assert clerk.engine.store.load_conversation(CLERK_ID)
    assert Mode.IDLE.value in clerk.engine.store.load_conversation(CLERK_ID)


def test_fill_a_given_year(store, township):
    clerk = seed_clerk(store, today=date(2025, 1, 5))
    clerk.command("fill", "2023")
    assert "2023年" in clerk.text()
    clerk.command("fill", "1999")
    assert "年份有误。可填写2019年度至2025年度的报告" in clerk.text()
    clerk.command("fill", "2026")
    assert "年份有误" in clerk.text()
    assert store.report(township.id, 2023) is not None
    assert CURRENT.id == store.report(township.id, 2023).format_id


def test_part_buttons_keep_the_text_or_take_last_years(store, township):
    store.save_imported(
        township.id,
        2019,
        Report(
            organisation="蟠龙镇",
            year=2019,
            figures=seed_figures(),
            texts={"overview.summary": "上年的综述。"},
        ),
        person_id=None,
    )
    clerk = seed_clerk(store)
    clerk.command("fill")
    assert "上年写的是：上年的综述。" in clerk.question()
    clerk.taps("沿用上年文字")
    assert stored(store, township.id, 2020).texts["overview.summary"] == "上年的综述。"
    clerk.taps("上一步")
    assert "已填写的内容（6字）" in clerk.question()
    clerk.taps("保留原文")
    assert "（一）主动公开政府信息情况" in clerk.question()
    assert stored(store, township.id, 2020).texts["overview.summary"] == "上年的综述。"
    # An empty part has no 本部分完成 to tap by mistake: it is done with its message.
    assert "本部分完成" not in [b.label for b in clerk.buttons()]


def test_a_signed_column_says_negatives_are_allowed(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 二、")
    clerk.taps("本行全为0")
    clerk.taps("本行全为0")
    assert "“本年增/减”比上年减少的填负数，例如 -2" in clerk.question()
    clerk.says("5 -2 7")
    assert stored(store, township.id, 2020).figures["disclosure.licensing.items_change"] == -2


def test_sending_the_same_text_again_loses_nothing_and_keeps_a_final_report_final(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.says("第一段。")
    clerk.taps("上一步")
    clerk.says("第一段。")  # the same text again: not a change
    clerk.taps("补充")
    clerk.says("第二段。")
    assert "没有保存" not in clerk.text()
    assert stored(store, township.id, 2020).texts["overview.summary"] == "第一段。\n第二段。"


def test_a_clerk_of_two_offices_chooses_and_switches(store, township):
    other = store.add_organisation("某县城关镇人民政府", short_name="城关镇")
    store.add_membership(CLERK_ID, other.id, Role.CLERK)
    clerk = seed_clerk(store)
    clerk.command("fill")
    assert "您加入了多个单位" in clerk.text()
    clerk.taps("某县城关镇人民政府")
    assert "开始填写 某县城关镇人民政府2020年" in clerk.text()
    assert "【一、总体情况】（1/4）" in clerk.question()
    clerk.command("switch")
    clerk.taps("赣州经开区蟠龙镇")
    assert "赣州经开区蟠龙镇2020年" in clerk.text()


def test_a_conflict_is_claimed_so_a_redelivery_cannot_overwrite_the_colleague(store, township):
    li, wang = two_clerks_at_table_2(store)
    wang.says("7 7 7")
    li.update_id = 8100
    li.says("3 3 3")
    assert "刚刚被王干事修改过" in li.text()
    li.says("3 3 3")  # the same update, redelivered after a crash
    assert stored(store, township.id, 2020).figures["disclosure.rules.issued"] == 7


def test_forged_buttons_neither_crash_nor_accept_an_error(store, township):
    clerk = seed_clerk(store)
    clerk.command("fill")
    for data in ("g.²", "j.²", "w.²", "a.².z", "o.²", "p.²", "r.²", "x" * 64):
        clerk.presses(Button(label="伪造", data=data))
        assert clerk.last  # a reply, not an exception
    report_id = store.report(township.id, 2020).id
    store.write_figures(
        report_id,
        {**seed_figures(), "applications.new.natural_person": Decimal(1)},
        person_id=CLERK_ID,
    )
    balance = next(i for i, r in enumerate(rules_for(LEGACY)) if r.key == "balance.natural_person")
    clerk.presses(Button(label="伪造", data=f"w.{balance}"))
    assert "按钮已失效" in clerk.text()
    assert store.accepted_warnings(report_id) == {}


def test_an_over_long_organisation_name_is_refused_politely(store):
    from dialogs.onboarding import create_organisation

    (reply,) = create_organisation(
        store, 1, "管理员", "很长的名字" * 50, is_admin=True, bot_username="b"
    )
    assert "单位名称太长了" in reply.text
    assert store.organisations() == []


def test_a_reason_for_a_warning_a_colleague_has_fixed_meanwhile_is_not_kept(store, township):
    store.save_imported(
        township.id,
        2019,
        Report(
            organisation="蟠龙镇",
            year=2019,
            figures={
                **seed_figures(),
                "applications.carried_forward.natural_person": Decimal(2),
                "applications.new.natural_person": Decimal(2),
            },
        ),
        person_id=None,
    )
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 三、")
    clerk.taps("收到过申请")
    clerk.taps("本行全为0")
    clerk.taps("本行全为0")
    clerk.taps("核实无误，说明原因")
    report_id = store.report(township.id, 2020).id
    store.write_figures(
        report_id, {"applications.carried_over.natural_person": Decimal(2)}, person_id=COLLEAGUE_ID
    )
    clerk.says("上年数据有误。")
    assert "这条提醒已经不存在了" in clerk.text()
    assert store.accepted_warnings(report_id) == {}


def test_a_published_pdf_of_a_report_is_read_like_a_docx(store, township):
    """Most offices publish their report as a PDF: sending it in the chat is read, not refused
    (the real Shanghai 2019 report from the corpus)."""
    clerk = seed_clerk(store)
    clerk.command("fill")
    pdf = (Path(__file__).parent / "data" / "real" / "shanghai-bgt-2019.pdf").read_bytes()
    clerk.sends_file("2019年报告.pdf", pdf)
    assert "请发送 Word 文档" not in clerk.text()
    assert "从文件中读出" in clerk.text() and "2019" in clerk.text()
