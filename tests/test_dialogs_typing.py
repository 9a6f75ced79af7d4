"""Issue 13 through the engine: fixing is as cheap as entering (a real SQLite file)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
from telegram import InlineKeyboardMarkup

from bot.shaping import markup
from dialogs.model import TextInput
from report.rules import check
from report.values import Report
from storage import Role
from tests.clerk import Clerk
from tests.test_dialogs import CLERK_ID, fill_parts, make_engine, stored, township

__all__ = ["township"]  # the fixture, shared with test_dialogs

#: Where the new clerk's conversation is written, to be read as a clerk would.
NEW_CLERK_TRANSCRIPT = Path(__file__).parent.parent / "docs" / "transcript-typing.md"

#: The issue's district: 66 applications; （一）予以公开 is 25 3 0 0 1 0.
RESULTS = {
    "（一）予以公开": "25 3 0 0 1 0",
    "（二）部分公开": "5 1 0 0 0 0",
    "1.属于国家秘密": "1 0 0 0 0 0",
    "4.保护第三方合法权益": "2 0 0 0 0 0",
    "6.属于四类过程性信息": "3 0 0 0 0 0",
    "1.本机关不掌握相关政府信息": "5 4 2 1 1 1",
    "2.没有现成信息需要另行制作": "2 0 0 0 0 0",
    "1.信访举报投诉类申请": "2 1 0 0 0 0",
    "2.重复申请": "1 0 0 0 0 0",
    "3.其他": "1 0 0 0 0 0",
}


def district_clerk(store) -> Clerk:
    return Clerk(make_engine(store, date(2025, 1, 8)), CLERK_ID, "李文书")


def fill_to_carried_forward(clerk: Clerk, results: dict[str, str]) -> None:
    """The district report up to 四 (not typed), the narrative's first parts and table 二 done."""
    results = dict(results)
    fill_to_row(clerk, results, "四、结转下年度继续办理")
    assert not results


def fill_to_row(clerk: Clerk, results: dict[str, str], stop: str) -> None:
    """The district report up to the row labelled ``stop`` (not typed); ``results`` by label,
    the other rows on the way zero."""
    clerk.command("fill")
    fill_parts(clerk, 6)
    for row in ("0 0 0", "2 1 15", "12", "30", "4", "1.5"):
        clerk.says(row)
    clerk.taps("收到过申请")
    clerk.says("50 10 2 1 2 1")  # 66
    clerk.says("0 0 0 0 0 0")  # carried over
    while stop not in clerk.question():
        label = next((k for k in results if k in clerk.question()), None)
        if label:
            clerk.says(results.pop(label))
        else:
            clerk.taps("本行全为0")


def test_a_mistyped_result_row_is_corrected_from_the_error_in_at_most_3_actions(store, township):
    clerk = district_clerk(store)
    fill_to_carried_forward(clerk, {**RESULTS, "（一）予以公开": "25 3 0 0 0 0"})
    clerk.says("3 1 0 0 0 0")
    error = next(m for m in clerk.last if "发现错误" in m.text)
    labels = [b.label for row in error.buttons for b in row]
    assert len(labels) <= 4
    assert "重填：（一）予以公开" in labels  # the mistyped row
    assert "重填：四、结转下年度继续办理" in labels  # the row just entered
    assert "重填：一、本年新收申请数量" not in labels  # 0 in that column: changing it breaks more
    start = clerk.actions
    clerk.taps("重填：（一）予以公开")
    assert "（一）予以公开" in clerk.question()
    clerk.says("25 3 0 0 1 0")
    assert clerk.actions - start <= 3
    assert "发现错误" not in clerk.text()
    assert [v for v in check(stored(store, township.id, 2024)) if v.kind == "balance"] == []


def test_a_reentry_that_leaves_the_error_open_says_so_and_balance_is_not_offered(store, township):
    clerk = district_clerk(store)
    fill_to_carried_forward(clerk, {**RESULTS, "（一）予以公开": "25 3 0 0 0 0"})
    clerk.says("3 1 0 0 0 0")
    clerk.taps("重填：四、结转下年度继续办理")
    # The balance would hide the slip in （一） behind a wrong 四: not offered while it is open.
    assert "按勾稽关系填入" not in [b.label for b in clerk.buttons()]
    clerk.says("3 1 0 0 0 0")
    assert "这一行已改，但下面的错误仍未消除" in clerk.text()
    still = next(m for m in clerk.last if "仍未消除" in m.text)
    assert "重填：（一）予以公开" in [b.label for row in still.buttons for b in row]
    clerk.command("review")
    review_labels = [b.label for b in clerk.buttons()]
    assert any("（一）予以公开" in label for label in review_labels), review_labels


def test_a_row_code_with_its_figures_reaches_that_row_from_any_question(store, township):
    clerk = district_clerk(store)
    clerk.command("fill")
    assert "概述" in clerk.question() or "（1/" in clerk.question()
    part = clerk.question()
    clerk.says("四 2 1 0 0 1 0")  # at a narrative part
    assert "四、结转下年度继续办理" in clerk.text() and "2 1 0 0 1 0" in clerk.text()
    assert clerk.question() == part  # the part is asked again, nothing saved as its text
    report = stored(store, township.id, 2024)
    assert report.value("applications.carried_forward.natural_person") == 2
    assert "overview.summary" not in report.texts
    clerk.says("3(3)5 1 0 0 0 0 0")  # half-width, at the same part
    assert (
        stored(store, township.id, 2024).value(
            "applications.refused.internal_affairs.natural_person"
        )
        == 1
    )
    # A sentence that starts like a code is the part's text, never refused as figures.
    sentence = "一、我镇高度重视，全年公开信息，成效明显，群众满意，工作扎实，继续努力"
    clerk.says(sentence)
    assert stored(store, township.id, 2024).texts["overview.summary"] == sentence
    clerk.taps("上一步")
    fill_parts(clerk, 6)
    for row in ("0 0 0", "2 1 15", "12", "30", "4", "1.5"):
        clerk.says(row)
    gate = clerk.question()
    clerk.says("三（三）5 1 x 0 0 0 0")
    assert "三（三）5" in clerk.text()  # refused naming the row, nothing else touched
    refused = stored(store, township.id, 2024)
    assert refused.value("applications.refused.internal_affairs.natural_person") == 1
    clerk.says("一 50 10 2 1 2 1")  # at the yes/no question
    assert stored(store, township.id, 2024).value("applications.new.total") == 66
    assert "本年新收" in clerk.text()
    assert clerk.question() != ""  # asked on, never the same question with no word
    assert gate != clerk.question() or "已记录" in clerk.text()


def test_one_tap_zeroes_the_rest_of_the_group(store, township):
    clerk = district_clerk(store)
    results = {k: v for k, v in RESULTS.items() if k != "6.属于四类过程性信息"}
    fill_to_row(clerk, results, "5.属于三类内部事务信息")
    start = clerk.actions
    clerk.taps("（三）不予公开余下为0")
    assert clerk.actions - start == 1
    assert "已将“（三）不予公开”本行及以下共4行填为0" in clerk.text()
    assert "1.本机关不掌握相关政府信息" in clerk.question()
    report = stored(store, township.id, 2024)
    assert report.value("applications.refused.third_party.natural_person") == 2  # kept
    assert report.value("applications.refused.process_info.natural_person") == 0
    assert report.value("applications.refused.inquiry.other_org") == 0
    assert "applications.unavailable.not_held.natural_person" not in report.figures


def test_a_narrative_part_moves_on_after_its_message_and_takes_more_with_one_tap(store, township):
    clerk = district_clerk(store)
    clerk.command("fill")
    start = clerk.actions
    clerk.says("本年度，我区主动公开政府信息1200条。")
    assert "（一）主动公开" in clerk.question()
    assert clerk.actions - start == 1  # no second tap to finish the part
    clerk.taps("补充")
    clerk.says("及时回应社会关切。")
    assert stored(store, township.id, 2024).texts["overview.summary"] == (
        "本年度，我区主动公开政府信息1200条。\n及时回应社会关切。"
    )
    assert "（一）主动公开" in clerk.question()


def assert_each_button_once(clerk: Clerk) -> None:
    """Every button of the reply is shown once, in the console and in the chat's keyboard."""
    labels = [b.label for b in clerk.buttons()]
    assert len(labels) == len(set(labels)), labels
    shown = [
        b.text
        for message in clerk.last
        for row in (markup(message) or InlineKeyboardMarkup([])).inline_keyboard
        for b in row
    ]
    assert shown == labels


def test_figures_alone_at_a_narrative_part_are_questioned_not_saved_as_text(store, township):
    clerk = district_clerk(store)
    clerk.command("fill")
    part = clerk.question()
    clerk.says("1 0 3")
    assert "这是表格数字吗？" in clerk.text()
    assert "overview.summary" not in stored(store, township.id, 2024).texts
    assert {"照原样保存", "目录"} <= {b.label for b in clerk.buttons()}
    assert_each_button_once(clerk)
    clerk.says("本年度主动公开政府信息103条。")  # a sentence after all
    assert (
        stored(store, township.id, 2024).texts["overview.summary"]
        == "本年度主动公开政府信息103条。"
    )
    clerk.taps("上一步")
    assert clerk.question().splitlines()[0] == part.splitlines()[0]
    clerk.says("2024")
    clerk.taps("照原样保存")  # the figures were the text
    assert stored(store, township.id, 2024).texts["overview.summary"] == "2024"
    assert "（一）主动公开" in clerk.question()


def test_each_warning_of_a_bundle_is_accepted_on_its_own_also_from_review(store, township):
    last = Report(
        organisation="赣州经开区蟠龙镇",
        year=2023,
        figures={
            "applications.carried_forward.natural_person": Decimal(2),
            "applications.carried_forward.business": Decimal(1),
        },
    )
    store.save_imported(township.id, 2023, last, person_id=None)
    clerk = district_clerk(store)
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 三、")
    clerk.taps("收到过申请")
    clerk.says("50 10 2 1 2 1")
    clerk.says("0 0 0 0 0 0")  # last year carried 2 and 1 forward: two warnings at once
    warning = next(m for m in clerk.last if "请核实" in m.text)
    labels = [b.label for row in warning.buttons for b in row]
    assert "第1条核实无误" in labels and "第2条核实无误" in labels
    clerk.presses(next(b for row in warning.buttons for b in row if b.label == "第2条核实无误"))
    assert "商业企业" in clerk.text()  # the reason is asked for that warning, named
    clerk.says("商业企业的1件上年已办结，上年报告填报有误。")
    report_id = store.report(township.id, 2024).id
    accepted = store.accepted_warnings(report_id)
    assert list(accepted) == ["carry_over.business"]
    clerk.command("review")
    accept = [b for b in clerk.buttons() if "核实无误" in b.label]
    assert len(accept) == 1  # the other warning, still open, accepted from /review
    clerk.presses(accept[0])
    assert "自然人" in clerk.text()
    clerk.says("自然人的2件上年已办结，已核实。")
    assert set(store.accepted_warnings(report_id)) == {
        "carry_over.business",
        "carry_over.natural_person",
    }


def test_shorter_prompts_legend_once_group_and_total_in_the_echo(store, township):
    clerk = district_clerk(store)
    clerk.command("fill")
    assert "报送截止日期：2025年1月31日" in clerk.text()  # the deadline, dated from today
    clerk.taps("目录")
    clerk.taps("… 三、")
    clerk.taps("收到过申请")
    first = clerk.question()
    assert "本表每行依次填6个数" in first and "“总计”由系统自动计算" in first
    clerk.says("50 10 2 1 2 1")
    assert "已记录 一、本年新收政府信息公开申请数量：50 10 2 1 2 1，总计 66" in clerk.text()
    second = clerk.question()
    assert "本表每行依次填" not in second and "各栏同前" in second
    clerk.says("？")
    assert "本表每行依次填6个数" in clerk.question()  # on request
    clerk.says("0 0 0 0 0 0")
    clerk.says("25 3 0 0 1 0")
    clerk.says("5 1 0 0 0 0")
    clerk.says("1 0 0 0 0 0")
    assert "已记录 （三）不予公开 › 1.属于国家秘密：1 0 0 0 0 0，总计 1" in clerk.text()


def test_sample_wording_and_dates_fit_the_office_and_the_year(store):
    bureau = store.add_organisation("某市某区教育局", short_name="区教育局")
    store.upsert_person(CLERK_ID, "李文书")
    store.add_membership(CLERK_ID, bureau.id, Role.CLERK)
    clerk = Clerk(make_engine(store, date(2026, 11, 30)), CLERK_ID, "李文书")
    clerk.command("fill", "2024")  # back-filled
    assert "补报" in clerk.text() and "2025年1月31日" in clerk.text()
    assert "我镇" not in clerk.question() and "我局" in clerk.question()
    clerk.command("export", "draft")
    (document,) = [m.document for m in clerk.last if m.document]
    paragraphs = [p.text for p in docx.Document(io.BytesIO(document.data)).paragraphs]
    assert not any("2026年11月30日" in p for p in paragraphs)


def test_a_new_clerk_fills_the_district_report_with_one_slip_in_at_most_45_actions(store, township):
    """Issue 13's measure: 66 applications, （一） mistyped and corrected from the error."""
    clerk = district_clerk(store)
    clerk.command("fill")
    fill_parts(clerk, 6)
    for row in ("0 0 0", "2 1 15", "12", "30", "4", "1.5"):
        clerk.says(row)
    clerk.taps("收到过申请")
    clerk.says("50 10 2 1 2 1")  # 66
    clerk.taps("本行全为0")  # nothing carried over
    clerk.says("25 3 0 0 0 0")  # （一）予以公开: the slip (25 3 0 0 1 0 meant)
    clerk.says("5 1 0 0 0 0")
    clerk.says("1 0 0 0 0 0")  # （三）1
    clerk.taps("本行全为0")
    clerk.taps("本行全为0")
    clerk.says("2 0 0 0 0 0")  # （三）4
    clerk.taps("本行全为0")
    clerk.says("3 0 0 0 0 0")  # （三）6
    clerk.taps("（三）不予公开余下为0")  # 7 and 8
    clerk.says("5 4 2 1 1 1")  # （四）1
    clerk.says("2 0 0 0 0 0")
    clerk.taps("本行全为0")
    clerk.says("2 1 0 0 0 0")  # （五）1
    clerk.says("1 0 0 0 0 0")
    clerk.taps("（五）")  # 3 to 5
    assert "（六）" in clerk.question()
    clerk.says("三（六）3 1 0 0 0 0 0")  # the one row of （六） with a figure, by its code
    clerk.taps("（六）")  # 1 and 2
    assert "四、结转下年度继续办理" in clerk.question()
    clerk.says("3 1 0 0 0 0")
    assert "发现错误" in clerk.text()
    clerk.taps("重填：（一）予以公开")
    clerk.says("25 3 0 0 1 0")
    assert "发现错误" not in clerk.text()
    assert "错误已消除" in clerk.text()
    clerk.taps("有")
    clerk.says("1 0 0 1")
    clerk.taps("本行全为0")
    clerk.taps("本行全为0")
    clerk.says("第七部分的内容。")
    clerk.says("第八部分的内容。")
    clerk.taps("生成报告")
    assert [m.document for m in clerk.last if m.document]
    assert clerk.actions <= 45, clerk.actions
    report = stored(store, township.id, 2024)
    assert report.value("applications.new.total") == 66
    assert report.value("applications.results_total.total") == 62
    assert report.value("applications.granted.legal_service") == 1
    assert check(report) == []
    NEW_CLERK_TRANSCRIPT.write_text("\n\n".join(clerk.transcript) + "\n", encoding="utf-8")


def test_editing_the_last_answer_to_a_row_corrects_it_and_other_edits_are_explained(
    store, township
):
    clerk = district_clerk(store)
    engine = clerk.engine
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 三、")
    clerk.taps("收到过申请")
    engine.handle(CLERK_ID, TextInput(text="50 10 2 1 2 1", message_id=41))
    engine.handle(CLERK_ID, TextInput(text="0 0 0 0 0 0", message_id=42))
    asked = engine.handle(CLERK_ID, TextInput(text="25 3 0 0 0 0", message_id=43))
    # The clerk edits the slip in the message itself, as Telegram users fix typos.
    fixed = engine.handle(CLERK_ID, TextInput(text="25 3 0 0 1 0", message_id=43, edited=True))
    text = "\n".join(m.text for m in fixed)
    assert "已按修改后的消息更正" in text and "25 3 0 0 1 0" in text
    assert stored(store, township.id, 2024).value("applications.granted.legal_service") == 1
    # Asked on where the clerk was, not moved back to the corrected row.
    assert [m.text for m in fixed if m.question][-1] == [m.text for m in asked if m.question][-1]
    # A message that no longer is the row's last answer (the row was answered again since),
    # or was no answer to a row at all, is explained and not applied.
    engine.handle(CLERK_ID, TextInput(text="四 3 1 0 0 1 0", message_id=44))
    engine.handle(CLERK_ID, TextInput(text="四 3 1 0 0 1 0", message_id=45))
    other = engine.handle(CLERK_ID, TextInput(text="四 9 9 9 9 9 9", message_id=44, edited=True))
    assert "这条修改没有记录" in "\n".join(m.text for m in other)
    assert stored(store, township.id, 2024).value("applications.carried_forward.total") == 5
    refused = engine.handle(CLERK_ID, TextInput(text="25 x 0 0 1 0", message_id=43, edited=True))
    assert "修改后的消息没有记录" in "\n".join(m.text for m in refused)
    assert stored(store, township.id, 2024).value("applications.granted.business") == 3


def test_any_row_from_a_paged_row_list_and_tables_first_at_the_start(store, township):
    clerk = district_clerk(store)
    clerk.command("fill")
    clerk.taps("先填表格")
    assert "规章" in clerk.question()  # table 二 first; the narrative waits
    clerk.says("0 0 0")
    clerk.taps("目录")
    clerk.taps("按行查找")
    first = [b.label for b in clerk.buttons()]
    assert "✅ 二（一）1 规章" in first and "… 二（一）2 行政规范性文件" in first
    assert "下一页" in first and "上一页" not in first
    while not any("四 " in b.label for b in clerk.buttons()):
        clerk.taps("下一页")
    assert "上一页" in [b.label for b in clerk.buttons()]
    clerk.taps("… 四 ")
    assert "四、结转下年度继续办理" in clerk.question()
    clerk.says("2 1 0 0 1 0")
    assert stored(store, township.id, 2024).value("applications.carried_forward.total") == 4
    clerk.command("review")
    clerk.taps("按行查找")
    assert "按行查找" in clerk.text() and "第1/" in clerk.text()
