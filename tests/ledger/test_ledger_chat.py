"""The ledger in the chat: the pure step mode by mode, then whole conversations through the
engine on a real SQLite file with the real readers (``bot.wiring``)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from ledger_builders import (
    APPLICATIONS,
    EXPECTED,
    HEADERS,
    YEAR,
    csv_bytes,
    docx_bytes,
    docx_over_limit,
    rows_for,
    xlsx,
)

from bot.wiring import make_engine
from dialogs import buttons, texts
from dialogs.buttons import ConfirmLedger, LedgerChoice, LedgerSources
from dialogs.machine import Context, step
from dialogs.model import (
    ButtonPress,
    Command,
    ConversationState,
    LedgerRead,
    Mode,
    RememberLedgerWording,
    TextInput,
    WriteLedgerCounts,
)
from exports import write_docx
from report.ledger import Sheet, read_ledger, table_cells
from report.values import Report
from storage import Role, Store
from tests.clerk import Clerk
from tests.exports.exports_helpers import dotdot_members

TOWN = "某某镇人民政府"
#: The builders' ledger with one applicant type no office wording declares: asked once.
WITH_QUESTION = tuple(
    ("个体户", *rest) if kind == "公益组织" else (kind, *rest) for kind, *rest in APPLICATIONS
)
#: What the answer 商业企业 to 个体户 makes of the builders' table.
ANSWERED = {
    **{c: n for c, n in EXPECTED.items() if not c.endswith("public_interest")},
    "applications.new.business": 3,
    "applications.not_processed.duplicate.business": 1,
}


def ledger_json(applications=APPLICATIONS) -> str:  # type: ignore[no-untyped-def]
    rows = rows_for(HEADERS["plain"], applications)
    return read_ledger([Sheet("台账", tuple(tuple(r) for r in rows))]).to_json()


def full(figures: dict[str, int], fmt_report: Report) -> dict[str, Decimal]:
    """Every entered cell of table 三: the non-zero ones given, zero elsewhere."""
    return {c: Decimal(figures.get(c, 0)) for c in table_cells(fmt_report.format)}


# --- the step -----------------------------------------------------------------------------------


def context(report: Report | None = None, **more: object) -> Context:
    return Context(
        report=report or Report(organisation=TOWN, year=YEAR),
        status="draft",
        organisation=TOWN,
        short_name="某某镇",
        **more,  # type: ignore[arg-type]
    )


def press(action: buttons.Action) -> ButtonPress:
    return ButtonPress(data=buttons.encode(action))


def sent(applications=WITH_QUESTION, ctx: Context | None = None):  # type: ignore[no-untyped-def]
    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=3, seq=5)
    read = LedgerRead(name="台账.xlsx", ledger_json=ledger_json(applications))
    return step(state, read, ctx or context())


def test_a_ledger_sent_is_shown_and_asked_about_and_nothing_is_written():
    outcome = sent()
    assert outcome.effects == []
    assert outcome.state.mode is Mode.LEDGER and outcome.state.ledger_pending
    summary, question = outcome.messages
    assert "收到台账“台账.xlsx”" in summary.text
    assert "申请人类型：C列“申请人类型”" in summary.text
    assert "第8行：2024年以后收到，不计入本年度" in summary.text
    assert "“个体户”（第11行）" in question.text and question.question
    labels = [b.label for row in question.buttons for b in row]
    assert labels == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "不写入",
    ]


def test_an_answer_is_remembered_and_then_only_confirmation_is_offered():
    first = sent()
    choice = first.messages[-1].buttons[1][0]
    outcome = step(first.state, ButtonPress(data=choice.data), context())
    assert outcome.effects == [
        RememberLedgerWording(kind="applicant", key="个体户", target="business")
    ]
    assert "已记住：本单位台账中的“个体户”计入“商业企业”" in outcome.messages[0].text
    confirm = outcome.messages[-1]
    assert "一、本年新收政府信息公开申请数量：6件（自然人2，商业企业3，科研机构1）" in confirm.text
    assert [b.label for b in confirm.buttons[0]] == ["写入表三", "不写入"]
    # The same button again (pressed twice) answers nothing.
    again = step(outcome.state, ButtonPress(data=choice.data), context())
    assert again.effects == []
    assert again.messages[0].text == texts.STALE_BUTTON


def test_confirming_writes_the_counts_once_and_cancelling_writes_nothing():
    ctx = context(ledger_wording={("applicant", "个体户"): "business"})
    shown = sent(ctx=ctx)
    assert shown.messages[-1].buttons[0][0].label == "写入表三"
    cancelled = step(shown.state, press(ConfirmLedger(confirmed=False)), ctx)
    assert cancelled.effects == []
    assert cancelled.state.ledger_json is None and cancelled.state.mode is Mode.IDLE
    assert cancelled.messages[0].text == texts.LEDGER_CANCELLED
    written = step(shown.state, press(ConfirmLedger(confirmed=True)), ctx)
    (effect,) = written.effects
    assert isinstance(effect, WriteLedgerCounts)
    assert effect.counting.report_figures() == full(ANSWERED, ctx.report)
    assert effect.expected == dict.fromkeys(table_cells(ctx.report.format), 0)
    assert effect.file_name == "台账.xlsx"
    assert written.state.mode is Mode.IDLE and not written.state.ledger_pending
    # Pressed again (a double tap), it writes nothing.
    twice = step(written.state, press(ConfirmLedger(confirmed=True)), ctx)
    assert twice.effects == [] and twice.messages[0].text == texts.LEDGER_ALREADY_WRITTEN
    after_cancel = step(cancelled.state, press(ConfirmLedger(confirmed=True)), ctx)
    assert after_cancel.effects == []
    assert after_cancel.messages[0].text == texts.LEDGER_EXPIRED


def test_text_while_the_ledger_waits_repeats_what_it_waits_for():
    shown = sent()
    outcome = step(shown.state, TextInput(text="58 7 0 0 1 0"), context())
    assert outcome.effects == []
    assert outcome.messages[0].text == texts.LEDGER_WAITING
    assert "“个体户”" in outcome.messages[-1].text


def test_a_refused_ledger_says_why_and_leaves_the_question_where_it_was():
    state = ConversationState(report_id=1, mode=Mode.ASKING, cursor=3, seq=5)
    outcome = step(state, LedgerRead(name="台账.xlsx", refusal="台账中没有找到表头。"), context())
    assert outcome.effects == []
    assert outcome.state == state
    assert outcome.messages[0].text == texts.LEDGER_REJECTED.format(reason="台账中没有找到表头。")


def test_differences_from_the_figures_already_in_table_three_are_listed():
    report = Report(
        organisation=TOWN,
        year=YEAR,
        figures={"applications.new.natural_person": Decimal(5)},
    )
    outcome = sent(APPLICATIONS, context(report))
    text = outcome.messages[-1].text
    assert "与报告中表三已填数字不同的有1处" in text
    assert "一、本年新收政府信息公开申请数量·自然人：已填 5，台账统计 2" in text
    assert "表三已填的数字将按台账统计改写" in text


def test_sources_without_a_ledger_say_how_to_send_one():
    state = ConversationState(report_id=1)
    for event in (Command(name="ledger"), press(LedgerSources(3))):
        outcome = step(state, event, context())
        assert [m.text for m in outcome.messages] == [texts.LEDGER_NONE]


def test_a_choice_for_another_ledger_step_or_a_forged_candidate_writes_nothing():
    shown = sent()
    for action in (LedgerChoice(shown.state.ledger_step + 1, 0), LedgerChoice(0, 99)):
        outcome = step(shown.state, press(action), context())
        assert outcome.effects == []
    forged = step(shown.state, press(LedgerChoice(shown.state.ledger_step, 99)), context())
    assert forged.messages[0].text == texts.UNKNOWN_BUTTON


# --- the engine ---------------------------------------------------------------------------------

CLERK = 1
COLLEAGUE = 2


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "nianbao.db") as opened:
        yield opened


@pytest.fixture
def town(store: Store):  # type: ignore[no-untyped-def]
    org = store.add_organisation(TOWN, short_name="某某镇")
    for person, name in ((CLERK, "李文书"), (COLLEAGUE, "王干事")):
        store.upsert_person(person, name)
        store.add_membership(person, org.id, Role.CLERK)
    return org


def clerk_of(store: Store, person: int = CLERK, name: str = "李文书") -> Clerk:
    # Mid-January 2025: the report being filled is 2024's, the ledger's year.
    return Clerk(make_engine(store, today=lambda: date(2025, 1, 10)), person, name)


def table_three(store: Store, org_id: int) -> dict[str, Decimal]:
    report = store.load(store.report(org_id, YEAR).id)
    return {c: v for c, v in report.figures.items() if c.startswith("applications.")}


def test_a_clerk_with_a_ledger_fills_table_three_in_three_actions(store, town):
    clerk = clerk_of(store)
    clerk.command("fill")
    clerk.sends_file("2024年依申请公开台账.xlsx", xlsx(rows_for(HEADERS["plain"], WITH_QUESTION)))
    assert "应计入表三哪一类申请人？" in clerk.question()
    clerk.taps("商业企业")
    assert table_three(store, town.id) == {}, "nothing is written before confirmation"
    clerk.taps("写入表三")
    assert clerk.actions == 3
    report = store.load(store.report(town.id, YEAR).id)
    assert table_three(store, town.id) == full(ANSWERED, report)
    assert "表三各项都已填好" in clerk.text()
    audit = store.audit_log(store.report(town.id, YEAR).id)
    assert {e.source for e in audit} == {"ledger:2024年依申请公开台账.xlsx"}
    assert {e.person_id for e in audit} == {CLERK}
    assert store.ledger_wording(town.id) == {("applicant", "个体户"): "business"}
    # Which ledger rows make up a figure: by button, and by /ledger with a row's words.
    clerk.taps("查看数字来自台账哪几行")
    clerk.taps("（五）不予处理 2.重复申请")
    assert "商业企业1件：第13行" in clerk.text()
    clerk.command("ledger", "本年新收")
    assert "自然人2件：第4、5行" in clerk.text()
    assert "商业企业3件：第6、8、13行" in clerk.text()
    # Next year's ledger (the same wording) is not asked about again: send and confirm.
    colleague = clerk_of(store, COLLEAGUE, "王干事")
    colleague.sends_file("台账.csv", csv_bytes(rows_for(HEADERS["county"], WITH_QUESTION)))
    assert [b.label for b in colleague.buttons()][:2] == ["写入表三", "不写入"]
    assert "与报告中表三已填数字不同" not in colleague.text()
    assert "报告中表三已填的数字与台账统计一致" in colleague.text()


def test_a_cancelled_ledger_and_a_bad_ledger_change_nothing(store, town):
    clerk = clerk_of(store)
    clerk.command("fill")
    clerk.says("本年度，我镇认真贯彻落实条例。")
    clerk.sends_file("台账.xlsx", xlsx(rows_for(HEADERS["bureau"], APPLICATIONS)))
    clerk.taps("不写入")
    assert table_three(store, town.id) == {}
    assert store.ledger_wording(town.id) == {}
    bad = [*APPLICATIONS, ("公民", "2024.3.1", "2024.2.1", "予以公开")]
    clerk.sends_file("台账.xlsx", xlsx(rows_for(HEADERS["plain"], bad)))
    assert "答复日期（2024年2月1日）早于收到申请日期（2024年3月1日）" in clerk.text()
    assert "报告中的数字没有改动" in clerk.text()
    clerk.sends_file("台账.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    assert "这份台账没有统计" in clerk.text()
    clerk.sends_file("台账.xlsx", xlsx_bomb())
    assert "这份台账没有统计" in clerk.text() and "MB" in clerk.text()
    clerk.sends_file("台账.csv", b"x" * (20 * 1024 * 1024 + 1))
    assert "20" in clerk.text() and "这份台账没有统计" in clerk.text()
    assert table_three(store, town.id) == {}
    report = store.load(store.report(town.id, YEAR).id)
    assert report.texts == {"overview.summary": "本年度，我镇认真贯彻落实条例。"}


def xlsx_bomb(megabytes: int = 100) -> bytes:
    """A workbook whose sheet unpacks to ``megabytes`` (beyond the 80 MB any upload may)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(b" " * (1024 * 1024))
    return out.getvalue()


def test_a_docx_is_a_report_or_a_ledger_by_what_it_holds(store, town):
    clerk = clerk_of(store)
    clerk.command("fill")
    clerk.sends_file("台账.docx", docx_bytes(rows_for(HEADERS["decorated"], APPLICATIONS)))
    assert "收到台账“台账.docx”" in clerk.text()
    assert "写入表三" in [b.label for b in clerk.buttons()]
    last_year = Report(organisation=TOWN, year=YEAR - 1, texts={"other_matters": "无。"})
    clerk.sends_file("2023年报.docx", write_docx(last_year))
    assert "确认导入" in [b.label for b in clerk.buttons()]
    assert "台账" not in clerk.text()
    document = docx.Document()
    document.add_paragraph("一份通知，没有表格。")
    out = io.BytesIO()
    document.save(out)
    clerk.sends_file("通知.docx", out.getvalue())
    assert "这个文件读不了" in clerk.text() and "台账" not in clerk.text()


def test_a_ledger_of_another_year_says_so_and_counts_for_that_year_after_fill(store, town):
    clerk = clerk_of(store)
    clerk.command("fill")  # mid-January 2025: the 2024 report
    last_years = [
        ("公民", "2023.1.8", "2023.1.20", "同意公开"),
        ("个人", "2023年2月3日", "2023/02/25", "信息不存在"),
        ("企业", "2023-12-10", "", "办理中"),
        ("公民", "2023.5.1", "2023.5.20", "予以公开"),
        ("科研院所", "2023/11/20", "2024.1.6", "予以公开"),
        ("公民", "2024.1.3", None, "未办结"),
    ]
    clerk.sends_file("2023年台账.xlsx", xlsx(rows_for(HEADERS["plain"], last_years)))
    said = clerk.text()
    assert "台账读取结果（按2024年度报告统计）" in said
    assert (
        "⚠️ 台账中的申请大多是2023年收到的（5件），而这里统计的是2024年度报告："
        "只计入2024年收到的申请，以及以前收到、2024年办结或仍在办理的申请。"
        "如果要填的是2023年度报告，请先点“不写入”，发送 /fill 2023 打开该年度报告后再发送台账。"
    ) in said
    clerk.taps("不写入")
    clerk.command("fill", "2023")
    clerk.sends_file("2023年台账.xlsx", xlsx(rows_for(HEADERS["plain"], last_years)))
    assert "台账读取结果（按2023年度报告统计）" in clerk.text()
    assert "⚠️" not in clerk.text()
    clerk.taps("写入表三")
    assert store.report(town.id, 2023) is not None
    assert table_three(store, town.id) == {}  # the 2024 report is untouched


def test_a_word_file_neither_reader_opens_is_refused_as_either(store, town):
    clerk = clerk_of(store)
    clerk.command("fill")
    clerk.sends_file("台账.docx", docx_over_limit(rows_for(HEADERS["plain"])))
    said = clerk.text()
    assert "这个文件读不了：文件包含的表格超过 200 张，不像是一份年度报告" in said
    assert (
        "如果发送的是依申请公开台账：这份 Word 文档的表格超过 200 张，无法作为台账读取。"
        "请把台账表格复制到 Excel 或 WPS 表格中，另存为 .xlsx 或 CSV 文件后再发送。"
    ) in said
    assert table_three(store, town.id) == {}
    # A Word file whose text is damaged, refused in the same words by both readers: once.
    clerk.sends_file("台账.docx", damaged_docx(docx_bytes(rows_for(HEADERS["plain"]))))
    assert clerk.text().count("文件正文已损坏") == 1
    assert "如果发送的是依申请公开台账" not in clerk.text()
    # So is a hostile one (a member named ../…): the Word reader's words, once.
    clerk.sends_file("台账.docx", dotdot_members())
    assert clerk.text().count("压缩包之外") == 1 and "正常 Word 文档" in clerk.text()


def damaged_docx(data: bytes) -> bytes:
    """``data`` with its document.xml cut in the middle (Word saved it half)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    return out.getvalue()


def test_a_colleagues_change_before_confirmation_is_shown_and_not_overwritten(store, town):
    clerk = clerk_of(store)
    clerk.command("fill")
    clerk.sends_file("台账.xlsx", xlsx(rows_for(HEADERS["plain"], APPLICATIONS)))
    report_id = store.report(town.id, YEAR).id
    store.write_figures(
        report_id, {"applications.new.natural_person": Decimal(9)}, person_id=COLLEAGUE
    )
    clerk.taps("写入表三")
    assert "王干事修改了表三，台账统计没有写入" in clerk.text()
    assert "已填 9，台账统计 2" in clerk.text()
    assert table_three(store, town.id) == {"applications.new.natural_person": Decimal(9)}
    clerk.taps("写入表三")
    assert "原来已填的数字中有1个按台账作了改动" in clerk.text()
    assert table_three(store, town.id)["applications.new.natural_person"] == 2


def test_after_confirmation_the_rules_speak_as_after_typed_answers(store, town):
    last_year = Report(
        organisation=TOWN,
        year=YEAR - 1,
        figures={"applications.carried_forward.natural_person": Decimal(4)},
    )
    store.save_imported(town.id, YEAR - 1, last_year, person_id=CLERK)
    clerk = clerk_of(store)
    clerk.command("fill")
    clerk.sends_file("台账.xlsx", xlsx(rows_for(HEADERS["plain"], APPLICATIONS)))
    assert "提醒：" in clerk.text()  # 二 differs from last year's 结转下年度继续办理
    clerk.taps("写入表三")
    assert "结转" in clerk.text()
    assert any(b.label.startswith("核实无误") for b in clerk.buttons())


def test_leaving_the_ledger_for_the_questions_drops_its_confirmation():
    ctx = context(ledger_wording={("applicant", "个体户"): "business"})
    shown = sent(ctx=ctx)
    filling = step(shown.state, Command(name="fill"), ctx)
    assert filling.state.mode is Mode.ASKING
    late = step(filling.state, press(ConfirmLedger(confirmed=True)), ctx)
    assert late.effects == []
    assert late.messages[0].text == texts.LEDGER_EXPIRED


def test_ledger_command_finds_a_row_by_its_words_or_offers_the_rows():
    ctx = context(ledger_wording={("applicant", "个体户"): "business"})
    written = step(sent(ctx=ctx).state, press(ConfirmLedger(confirmed=True)), ctx)
    found = step(written.state, Command(name="ledger", args="重复申请"), ctx)
    assert found.messages[0].text.startswith("<b>（五）不予处理 2.重复申请</b>：共1件")
    assert "商业企业1件：第11行" in found.messages[0].text
    unknown = step(written.state, Command(name="ledger", args="行政复议"), ctx)
    assert unknown.messages[0].text == texts.LEDGER_SOURCES_NOT_FOUND.format(words="行政复议")
    offered = [b.label for row in unknown.messages[1].buttons for b in row]
    assert offered[0] == "一、本年新收政府信息公开申请数量（6件）"
    assert all(not label.endswith("（0件）") for label in offered)
